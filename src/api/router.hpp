// The route table: method + path pattern ("/api/sessions/:id/stop") → handler. Commands are data
// (STYLE §18): each room registers its routes in one function, and the server only dispatches.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/http_types.hpp"

namespace parawork::api {

/// A handler runs on the worker pool, never on the event loop (STYLE §7).
using Handler = std::function<Response(Request&)>;

/// A WebSocket endpoint. Its connection outlives the request and is run by the server on the
/// event loop, so an upgrade route names the endpoint instead of holding a Handler.
enum class Upgrade {
    Events,  ///< the main hub: `{type, data}` events and actions (ws_connection)
    Attach,  ///< one session's binary terminal stream (attach_connection)
};

class Router {
  public:
    /// Registers `handler` for `method` and `pattern`; ":name" segments become req.params.
    void add(std::string method, std::string pattern, Handler handler);
    /// Registers the WebSocket endpoint a GET upgrade request for `pattern` opens.
    void addUpgrade(std::string pattern, Upgrade endpoint);
    /// Finds the route (literal segments case-insensitive, a trailing slash tolerated, as the
    /// original Express server did), fills req.params and runs it. Unknown /api paths → 404.
    Response dispatch(Request& req) const;
    /// The upgrade route matching req.path (same matching as dispatch), with req.params filled;
    /// nullopt when none does.
    std::optional<Upgrade> upgradeFor(Request& req) const;
    /// True when some route matches the path (for any method).
    bool knows(std::string_view path) const;

  private:
    struct Route {
        std::string method;
        std::vector<std::string> segments;
        std::variant<Handler, Upgrade> target;  ///< what a plain request / an upgrade runs
    };
    std::vector<Route> routes_;
};

/// Splits "/a/b/" into {"a","b"}.
std::vector<std::string_view> splitPath(std::string_view path);

}  // namespace parawork::api
