// W5: daemon cold start — from exec of `parawork serve` until /api/health answers 200.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "api/http_client.hpp"
#include "workload.hpp"

namespace parawork::bench {
namespace {

using Clock = std::chrono::steady_clock;

/// Finds a free port by binding port 0 and releasing it, so the client knows where to poll
/// without waiting for the daemon's banner.
std::uint16_t freePort() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

double coldStartMs(const std::filesystem::path& home) {
    auto port = std::to_string(freePort());
    std::string homeArg = home.string();
    const char* argv[] = {PARAWORK_BIN, "--home",      homeArg.c_str(), "serve", "--port",
                          port.c_str(), "--log-level", "warn",          nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    auto start = Clock::now();
    pid_t pid = -1;
    if (posix_spawn(&pid, argv[0], &actions, nullptr, const_cast<char**>(argv), environ) != 0)
        throw std::runtime_error("cannot spawn parawork");
    posix_spawn_file_actions_destroy(&actions);
    api::Endpoint endpoint;
    endpoint.port = static_cast<std::uint16_t>(std::stoi(port));
    double ms = -1;
    while (Clock::now() - start < std::chrono::seconds(10)) {
        try {
            api::HttpClient client(endpoint, std::chrono::milliseconds(200));
            if (client.get("/api/health").status == 200) {
                ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
                break;
            }
        } catch (const api::ConnectError&) {
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    }
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
    if (ms < 0) throw std::runtime_error("daemon did not answer within 10 s");
    return ms;
}

Result run(const RunOptions& options) {
    std::vector<double> samples;
    for (int i = 0; i < options.repetitions; ++i) {
        char dir[] = "/tmp/pw-bench-XXXXXX";
        if (!::mkdtemp(dir)) throw std::runtime_error("mkdtemp failed");
        samples.push_back(coldStartMs(dir));  // a fresh home: database created, token generated
        std::filesystem::remove_all(dir);
    }
    Result r;
    r.id = "W5";
    r.workload = "daemon cold start: exec until /api/health is 200";
    r.unit = "ms";
    r.ours = median(samples);
    r.oursP99 = percentile(samples, 99);
    r.target = "<= 50 ms";
    r.holds = r.ours <= 50;
    r.note = "fresh PARAWORK_HOME each time (creates the database and token); no anchor";
    return r;
}

Register registration("W5", run);

}  // namespace
}  // namespace parawork::bench
