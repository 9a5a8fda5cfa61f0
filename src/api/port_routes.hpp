// Ports and previews (our extension): what each running session listens on or declared, with
// preview URLs, and each workspace's port block.
#pragma once

#include "api/router.hpp"
#include "ports/port_service.hpp"

namespace parawork::api {

/// GET /api/ports, GET /api/sessions/:id/ports.
void addPortRoutes(Router& router, ports::PortService& ports);

}  // namespace parawork::api
