// The route table: method + path pattern ("/api/sessions/:id/stop") → handler. Commands are data
// (STYLE §18): each room registers its routes in one function, and the server only dispatches.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.hpp"

namespace parawork::api {

/// A handler runs on the worker pool, never on the event loop (STYLE §7).
using Handler = std::function<Response(Request&)>;

class Router {
  public:
    /// Registers `handler` for `method` and `pattern`; ":name" segments become req.params.
    void add(std::string method, std::string pattern, Handler handler);
    /// Finds the route (literal segments case-insensitive, a trailing slash tolerated, as the
    /// original Express server did), fills req.params and runs it. Unknown /api paths → 404.
    Response dispatch(Request& req) const;
    /// True when some route matches the path (for any method).
    bool knows(std::string_view path) const;

  private:
    struct Route {
        std::string method;
        std::vector<std::string> segments;
        Handler handler;
    };
    std::vector<Route> routes_;
};

/// Splits "/a/b/" into {"a","b"}.
std::vector<std::string_view> splitPath(std::string_view path);

}  // namespace parawork::api
