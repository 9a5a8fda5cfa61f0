// Where the network edge hands over requests for preview origins (`<port>-<ws>.localhost`):
// the preview proxy (src/proxy) implements it, the daemon installs it. Internal to the Beast
// translation units, like connection.hpp.
#pragma once

#include <string_view>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include "api/connection.hpp"
#include "api/security.hpp"

namespace parawork::api {

class PreviewHook {
  public:
    virtual ~PreviewHook() = default;
    /// Whether a Host header names a preview origin.
    virtual bool matches(std::string_view host) const = 0;
    /// Serves the connection from its first preview request on (header read, body not yet),
    /// until it closes. `buffer` holds the bytes read past the header. The server keeps
    /// `stream` registered, so stopping the server cancels it. `gate` tells who sends each
    /// request (a proxy in front may relay several clients on one connection).
    virtual net::awaitable<void> serve(Stream& stream, beast::flat_buffer& buffer,
                                       http::request_parser<http::string_body>& parser,
                                       const Peer& peer, const RequestGate& gate) = 0;
};

}  // namespace parawork::api
