#include "session/terminal_events.hpp"

#include <boost/json/serialize.hpp>

namespace parawork::session {
namespace {

namespace json = boost::json;

json::value orNull(std::optional<int> n) {
    return n ? json::value(*n) : json::value(nullptr);
}

std::string event(std::string_view type, json::object data) {
    return json::serialize(json::object{{"type", type}, {"data", std::move(data)}});
}

}  // namespace

std::string userTerminalStarted(const std::string& terminalId, const std::string& workspaceId,
                                int pid) {
    return event("user_terminal_started",
                 {{"terminalId", terminalId}, {"workspaceId", workspaceId}, {"pid", pid}});
}

std::string userTerminalExited(const std::string& terminalId, const std::string& workspaceId,
                               std::optional<int> exitCode, std::optional<int> signal) {
    return event("user_terminal_exited", {{"terminalId", terminalId},
                                          {"workspaceId", workspaceId},
                                          {"exitCode", orNull(exitCode)},
                                          {"signal", orNull(signal)}});
}

}  // namespace parawork::session
