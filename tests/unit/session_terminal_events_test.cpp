// The user terminal's events (protocol §6.5).
#include <gtest/gtest.h>

#include "session/terminal_events.hpp"

namespace parawork::session {
namespace {

TEST(TerminalEvents, StartedAndExited) {
    EXPECT_EQ(
        userTerminalStarted("t", "w", 42),
        R"({"type":"user_terminal_started","data":{"terminalId":"t","workspaceId":"w","pid":42}})");
    EXPECT_EQ(userTerminalExited("t", "w", 0, std::nullopt),
              R"({"type":"user_terminal_exited","data":{"terminalId":"t","workspaceId":"w",)"
              R"("exitCode":0,"signal":null}})");
    EXPECT_EQ(userTerminalExited("t", "w", std::nullopt, 1),
              R"({"type":"user_terminal_exited","data":{"terminalId":"t","workspaceId":"w",)"
              R"("exitCode":null,"signal":1}})");
}

}  // namespace
}  // namespace parawork::session
