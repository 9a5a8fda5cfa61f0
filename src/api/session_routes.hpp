// The session endpoints of the parawork surface (protocol §4.4) and our extensions: arbitrary
// commands, output by offset, resize.
#pragma once

#include "api/router.hpp"
#include "session/session_service.hpp"
#include "store/database.hpp"

namespace parawork::api {

void addSessionRoutes(Router& router, store::Database& db, session::SessionService& sessions);

}  // namespace parawork::api
