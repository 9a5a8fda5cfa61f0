#include "api/port_routes.hpp"

#include <boost/json/object.hpp>

namespace parawork::api {

void addPortRoutes(Router& router, ports::PortService& ports) {
    router.add("GET", "/api/ports", [&ports](Request&) { return ok(ports.allPorts()); });
    router.add("GET", "/api/sessions/:id/ports", [&ports](Request& req) {
        auto list = ports.sessionPorts(req.params["id"]);
        if (!list) return fail(404, "Session not found");
        return ok(std::move(*list));
    });
}

}  // namespace parawork::api
