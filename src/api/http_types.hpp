// Plain HTTP request/response values: the routes and the security checks work on these, so they
// are unit-tested without sockets and without Beast (which only the server edge includes).
#pragma once

#include <atomic>
#include <memory>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "auth/principal.hpp"

namespace parawork::api {

/// Events a handler sends while it still runs: Server-Sent Events, e.g. MCP's progress
/// notifications before its answer (Streamable HTTP). The first one sends the head (200,
/// text/event-stream, chunked); the handler's Response body then ends the stream, its status and
/// headers unused. Thread-safe; the server sends each event as soon as its loop gets to it.
class EventSink {
  public:
    virtual ~EventSink() = default;
    /// One whole event: "event: message\ndata: …\n\n".
    virtual void send(std::string event) = 0;
    /// Set once the client has hung up while the handler runs (watched for a request that
    /// accepts text/event-stream): its answer will never be read. Null when not watched.
    virtual std::shared_ptr<const std::atomic<bool>> clientGone() const { return nullptr; }
};

/// How a request reached the daemon: the unix socket is authenticated by file permissions.
enum class Transport { Tcp, Unix };

struct Request {
    std::string method;  ///< upper case, e.g. "GET"
    std::string target;  ///< raw request target, e.g. "/api/x?y=1"
    std::string path;    ///< percent-decoded path without the query
    std::vector<std::pair<std::string, std::string>> query;  ///< decoded, in order
    std::map<std::string, std::string> headers;              ///< names lower-cased
    std::string body;
    Transport transport = Transport::Tcp;
    /// The client is on this machine (a loopback peer not relaying someone else, or the unix
    /// socket).
    bool peerIsLoopback = false;
    std::string clientAddress;  ///< the client's IP address (the forwarded one behind a proxy)
    bool secure = false;        ///< it came over TLS (to us or to a trusted proxy)
    std::optional<auth::Principal> principal;   ///< set by the gate once authenticated
    std::map<std::string, std::string> params;  ///< route parameters such as ":id"
    boost::json::value json;                    ///< the parsed body (an object) for JSON requests
    /// Where the handler may stream events before its answer; null when the client cannot take
    /// a chunked answer (HTTP/1.0, HEAD).
    EventSink* events = nullptr;

    /// The header's value, or nullopt. `name` must be lower case.
    std::optional<std::string_view> header(std::string_view name) const;
    /// The first query parameter with this name, or nullopt.
    std::optional<std::string_view> queryParam(std::string_view name) const;
    /// Its Accept header takes text/event-stream (its answer may stream).
    bool acceptsEventStream() const;
};

struct Response {
    unsigned status = 200;
    std::string contentType = "application/json; charset=utf-8";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    bool closeConnection = false;

    Response& set(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
        return *this;
    }
};

/// `{"success":true,"data":...}` (the parawork envelope, DESIGN §6.1).
Response ok(boost::json::value data, unsigned status = 200);
/// `{"success":false,"error":message}`.
Response fail(unsigned status, std::string_view message);
/// A small plain-text answer for non-API paths.
Response text(unsigned status, std::string_view body);

}  // namespace parawork::api
