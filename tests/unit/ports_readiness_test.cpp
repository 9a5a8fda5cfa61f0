// Readiness: dev servers' ready lines, and an HTTP probe against real sockets.
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "ports/readiness.hpp"
#include "unit/ports_fixture.hpp"

namespace parawork::ports {
namespace {

using namespace std::chrono_literals;

TEST(ReadyLines, KnowsTheCommonDevServers) {
    for (const char* line :
         {"  VITE v5.4.2  ready in 312 ms", " ✓ Ready in 2.3s",
          "ready - started server on 0.0.0.0:3000",
          "<i> [webpack-dev-server] Project is running at:", "Compiled successfully!",
          " * Running on http://127.0.0.1:5000",
          "Starting development server at http://127.0.0.1:8000/",
          "INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)",
          "INFO:     Application startup complete.",
          "[1] [INFO] Listening at: http://0.0.0.0:8000 (1)",
          "* Listening on http://127.0.0.1:9292",
          "Serving HTTP on 0.0.0.0 port 8000 (http://0.0.0.0:8000/) ...",
          "  Local URL: http://localhost:8501", "Running on local URL:  http://127.0.0.1:7860",
          "      Now listening on: http://localhost:5000"})
        EXPECT_TRUE(isReadyLine(line)) << line;
    for (const char* line : {"npm install", "compiling...", "Error: listen EADDRINUSE", "ready",
                             "Downloading dependencies", ""})
        EXPECT_FALSE(isReadyLine(line)) << line;
}

TEST(ReadyStatus, FollowsPlaywrightsRuleAndAcceptsNotFound) {
    EXPECT_TRUE(isUpStatus(200));
    EXPECT_TRUE(isUpStatus(302));
    EXPECT_TRUE(isUpStatus(401));
    EXPECT_TRUE(isUpStatus(404));
    EXPECT_FALSE(isUpStatus(500));
    EXPECT_FALSE(isUpStatus(503));
    EXPECT_FALSE(isUpStatus(101));
}

/// Accepts one connection and answers it with `reply` after reading the request.
void serveOnce(int fd, std::string reply) {
    int conn = ::accept(fd, nullptr, nullptr);
    if (conn < 0) return;
    char buffer[1024];
    [[maybe_unused]] auto n = ::recv(conn, buffer, sizeof buffer, 0);
    [[maybe_unused]] auto w = ::send(conn, reply.data(), reply.size(), MSG_NOSIGNAL);
    ::close(conn);
}

TEST(ProbeHttp, ReadsTheStatusOfARealServer) {
    test::TestSocket server(AF_INET);
    ASSERT_TRUE(server.ok());
    std::thread answer(serveOnce, server.fd(),
                       "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
    auto status = probeHttp("127.0.0.1", server.port(), 2s);
    answer.join();
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(*status, 204);
}

TEST(ProbeHttp, WorksOverIpv6) {
    test::TestSocket server(AF_INET6);
    ASSERT_TRUE(server.ok());
    std::thread answer(serveOnce, server.fd(), "HTTP/1.0 404 Not Found\r\n\r\n");
    auto status = probeHttp("::1", server.port(), 2s);
    answer.join();
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(*status, 404);
}

TEST(ProbeHttp, NothingForRefusedSilentOrNonHttpPorts) {
    test::TestSocket closed(AF_INET, /*listening=*/false);  // bound, not listening: refused
    ASSERT_TRUE(closed.ok());
    EXPECT_FALSE(probeHttp("127.0.0.1", closed.port(), 1s).has_value());

    test::TestSocket silent(AF_INET);  // listens, never answers: times out
    ASSERT_TRUE(silent.ok());
    EXPECT_FALSE(probeHttp("127.0.0.1", silent.port(), 200ms).has_value());

    test::TestSocket ssh(AF_INET);
    ASSERT_TRUE(ssh.ok());
    std::thread answer(serveOnce, ssh.fd(), "SSH-2.0-OpenSSH_9.2\r\n");
    EXPECT_FALSE(probeHttp("127.0.0.1", ssh.port(), 2s).has_value());
    answer.join();

    EXPECT_FALSE(probeHttp("not an address", 80, 1s).has_value());
}

}  // namespace
}  // namespace parawork::ports
