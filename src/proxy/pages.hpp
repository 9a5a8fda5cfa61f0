// The pages the preview proxy answers with itself: the loading page (the session's output,
// live, until its server answers, then the app), the "session ended" page with the last lines,
// and refusals. Every piece of session text is HTML-escaped; the live part is fetched as JSON
// and inserted with textContent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/html.hpp"

namespace parawork::proxy {

/// The reserved path on preview origins that the loading page polls:
/// `GET /__parawork/output?offset=N` → {"state":"waiting|ready|ended","text":…,"next":N,
/// "exitCode":…}.
inline constexpr std::string_view kOutputPath = "/__parawork/output";

using core::htmlEscape;

struct SessionView {
    std::uint16_t port = 0;
    std::string sessionId;
    std::string title;         ///< the session's name or command
    std::string outputTail;    ///< the last lines, ANSI stripped
    std::uint64_t offset = 0;  ///< log offset after outputTail
    bool ended = false;
    std::optional<int> exitCode;
    std::string exitReason;
};

/// The page shown while a session's server is not up yet (or, when `view.ended`, after its
/// session ended without serving).
std::string loadingPage(const SessionView& view);

/// A small page for refusals (404 unknown port, 403 remote, 502 upstream failed).
std::string messagePage(std::string_view title, std::string_view message);

}  // namespace parawork::proxy
