// When a session's server is ready (platform notes, "Readiness"): a line of output that dev
// servers print once they serve, or a port of the session's tree that answers HTTP.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parawork::ports {

/// Whether an output line (ANSI stripped) is one of the well-known "now serving" lines: Vite's
/// "ready in", Next.js "Ready in", webpack "Project is running at", "Compiled successfully",
/// Flask "Running on http", Django "Starting development server at", uvicorn "Uvicorn running
/// on" / "Application startup complete", gunicorn "Listening at:", Puma "Listening on",
/// `python -m http.server` "Serving HTTP on", Streamlit "Local URL:", Gradio "Running on local
/// URL:", ASP.NET "Now listening on:", Angular "is listening on".
bool isReadyLine(std::string_view line);

/// The status code of `GET /` on address:port, or nullopt when nothing answered HTTP within
/// `timeout` (refused, reset, not HTTP, silent). Blocking; any thread.
std::optional<int> probeHttp(const std::string& address, std::uint16_t port,
                             std::chrono::milliseconds timeout);

/// Whether a status means the server is up (Playwright's rule: 2xx, 3xx and 400-403; a 404
/// counts too: an API server may well have nothing at /).
bool isUpStatus(int status);

}  // namespace parawork::ports
