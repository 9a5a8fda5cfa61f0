// The screen as text and keys by name (docs/api.md): what a person or another agent needs to read
// a TUI and steer it, like tmux's `capture-pane -p` and `send-keys`.
#pragma once

#include <boost/json/object.hpp>

#include "api/router.hpp"
#include "host/host_protocol.hpp"
#include "session/session_service.hpp"

namespace parawork::api {

/// GET /api/sessions/:id/screen's data: {offset, cols, rows, cursor:{row, col, visible},
/// altScreen, title, lines, text}; `text` is the lines joined by "\n" without the blank rows
/// at the bottom.
boost::json::object screenJson(const host::ScreenText& screen);

/// GET /api/sessions/:id/screen and POST /api/sessions/:id/keys.
void addScreenRoutes(Router& router, session::SessionService& sessions);

}  // namespace parawork::api
