// Clients for the remote-access tests: HTTP and HTTPS requests and a WebSocket over TLS, each on
// a connection that may be made from inside a network namespace (the daemon then really sees a
// peer on another interface). HTTPS verifies the daemon's certificate against the test's CA.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "api/http_client.hpp"

namespace parawork::test {

struct RemoteTarget {
    std::string netns;    ///< network namespace to connect from; empty: this one
    std::string address;  ///< IP address to connect to
    std::uint16_t port = 0;
    bool tls = false;
    std::filesystem::path caFile;  ///< the certificate to trust (TLS)
    std::string serverName;        ///< SNI and the name verified in the certificate (TLS)
};

/// One request on a fresh connection. A header given here (e.g. "Host") replaces the default
/// (address:port). Throws api::ConnectError when the connection or the TLS handshake fails.
api::HttpReply remoteRequest(const RemoteTarget& target, const std::string& method,
                             const std::string& path, const api::Headers& headers = {},
                             const std::string& body = {});

/// A TCP connection that says nothing (a client stuck before its TLS handshake); the caller
/// closes the returned fd.
int silentConnection(const RemoteTarget& target);

/// A WebSocket over TLS (or plain, as the target says).
class RemoteWebSocket {
  public:
    /// Connects and upgrades; throws api::WsRefused with the status when refused.
    RemoteWebSocket(const RemoteTarget& target, const std::string& path,
                    const api::Headers& headers = {});
    ~RemoteWebSocket();
    void sendText(const std::string& text);
    void sendBinary(const std::string& bytes);
    /// The next message, or nullopt when none came within `timeout` (the socket is then closed).
    std::optional<std::string> read(std::chrono::milliseconds timeout);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// A network namespace joined to this one by a veth pair: this side `hostAddress`, the
/// namespace's side `peerAddress` (a /30 of 10.213.0.0/16 chosen from the pid). Removed on
/// destruction. nullopt (with `why`) when namespaces cannot be made here.
class NetworkNamespace {
  public:
    static std::optional<NetworkNamespace> create(std::string& why);
    ~NetworkNamespace();
    NetworkNamespace(NetworkNamespace&& other) noexcept;
    NetworkNamespace& operator=(NetworkNamespace&&) = delete;
    const std::string& name() const { return name_; }
    const std::string& hostAddress() const { return hostAddress_; }
    const std::string& peerAddress() const { return peerAddress_; }

  private:
    NetworkNamespace() = default;
    std::string name_, hostAddress_, peerAddress_;
};

/// A self-signed certificate (P-256) for `names` (DNS names and IP addresses), made with the
/// openssl command in `dir`: cert.pem and key.pem (0600).
void makeTestCertificate(const std::filesystem::path& dir, const std::vector<std::string>& dnsNames,
                         const std::vector<std::string>& ipAddresses);

}  // namespace parawork::test
