// The 2025 handshake state (McpConnection) and Streamable HTTP's MCP sessions (McpSessions).
#include "mcp/mcp_connection.hpp"

#include <set>

#include <gtest/gtest.h>

namespace parawork::mcp {
namespace {

TEST(McpConnection, InitializeHappensOnceAndReadyFollowsIt) {
    McpConnection connection;
    connection.markReady();
    EXPECT_FALSE(connection.ready());  // notifications/initialized before initialize
    EXPECT_TRUE(connection.initialize("2025-11-25"));
    EXPECT_FALSE(connection.initialize("2025-06-18"));
    EXPECT_EQ(connection.negotiatedVersion(), "2025-11-25");
    connection.markReady();
    EXPECT_TRUE(connection.ready());
}

TEST(McpSessions, IssuesRandomVisibleAsciiIdsAndFindsThem) {
    McpSessions sessions;
    auto first = std::make_shared<McpConnection>();
    auto id = sessions.add(first);
    EXPECT_EQ(id.size(), 32u);
    for (char c : id) EXPECT_TRUE(c >= 0x21 && c <= 0x7e);
    EXPECT_EQ(sessions.find(id), first);
    EXPECT_NE(sessions.add(std::make_shared<McpConnection>()), id);
    EXPECT_EQ(sessions.find("not-a-session"), nullptr);
}

TEST(McpSessions, CloseEndsASession) {
    McpSessions sessions;
    auto id = sessions.add(std::make_shared<McpConnection>());
    EXPECT_TRUE(sessions.close(id));
    EXPECT_EQ(sessions.find(id), nullptr);  // the edge answers 404
    EXPECT_FALSE(sessions.close(id));
    EXPECT_EQ(sessions.size(), 0u);
}

TEST(McpSessions, AtCapacityTheLeastRecentlyUsedSessionEnds) {
    McpSessions sessions(3);
    auto a = sessions.add(std::make_shared<McpConnection>());
    auto b = sessions.add(std::make_shared<McpConnection>());
    auto c = sessions.add(std::make_shared<McpConnection>());
    ASSERT_NE(sessions.find(a), nullptr);  // a is now the most recently used
    auto d = sessions.add(std::make_shared<McpConnection>());
    EXPECT_EQ(sessions.size(), 3u);
    EXPECT_EQ(sessions.find(b), nullptr);
    EXPECT_NE(sessions.find(a), nullptr);
    EXPECT_NE(sessions.find(c), nullptr);
    EXPECT_NE(sessions.find(d), nullptr);
}

TEST(McpSessions, ManySessionsNeverExceedTheBound) {
    McpSessions sessions(8);
    std::set<std::string> ids;
    for (int i = 0; i < 100; ++i) ids.insert(sessions.add(std::make_shared<McpConnection>()));
    EXPECT_EQ(ids.size(), 100u);
    EXPECT_EQ(sessions.size(), 8u);
}

}  // namespace
}  // namespace parawork::mcp
