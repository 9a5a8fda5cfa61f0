// TLS at the edge (issue 10): a TLS connection is terminated here and its plaintext handed to
// the server through a socket pair, so the HTTP, WebSocket, attach and preview code is written
// once, for one stream type, and never needs to know about TLS (as stunnel or hitch would do it,
// in-process). Internal to the api room's network edge; Asio SSL stays in tls_front.cpp.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/generic/stream_protocol.hpp>

namespace boost::asio::ssl {
class context;
}

namespace parawork::api {

class TlsFront {
  public:
    /// Loads the certificate chain and private key (PEM) and checks that they belong together
    /// and that the key is not readable by every user. Throws core::Error naming the file and
    /// the problem.
    TlsFront(const std::filesystem::path& certFile, const std::filesystem::path& keyFile);
    ~TlsFront();

    /// Reads the certificate and key again (after a renewal), checked as at start; new
    /// connections use them, open ones keep theirs. Throws core::Error and keeps the old ones
    /// when the new files are not right. Loop thread.
    void reload();

    /// One connection's TLS side: the handshake (10 s at most), then bytes both ways between
    /// `client` and `plain` (the other end of the pair the server reads) until either ends.
    /// A failed handshake closes `plain`, which the server sees as a client gone; a client
    /// speaking plain HTTP gets a 400 that says to use https.
    /// One client address has at most kMaxHandshakesPerClient handshakes in progress: beyond
    /// that its connections are closed at once, so one host can't tie up the others' way in.
    boost::asio::awaitable<void> relay(boost::asio::generic::stream_protocol::socket client,
                                       boost::asio::generic::stream_protocol::socket plain,
                                       std::string clientAddress);

    static constexpr int kMaxHandshakesPerClient = 32;

  private:
    std::filesystem::path certFile_, keyFile_;
    std::shared_ptr<boost::asio::ssl::context> context_;
    /// Handshakes in progress per client address (loop thread only); shared with the relays,
    /// which may outlive this object at shutdown.
    std::shared_ptr<std::map<std::string, int>> handshaking_;
};

}  // namespace parawork::api
