// `parawork hook` and `parawork-hook`: one hook event to the daemon (see hook_report.hpp).
#include "cli/hook_report.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>

#include "api/http_client.hpp"
#include "core/read_until.hpp"

namespace parawork::cli {
namespace {

using namespace std::chrono_literals;

/// The daemon takes events up to 1 MiB; a bigger one is read to its end (the agent must not
/// see a broken pipe) and refused here.
constexpr std::size_t kEventLimit = 1024 * 1024;
/// How long reading the event, and then the daemon's answer, may take each.
constexpr auto kReadTimeout = 2s;
constexpr auto kPostTimeout = 2s;
constexpr std::size_t kSessionIdLimit = 64;

/// A refusal of this hook call: reported (maybe) and swallowed.
struct HookProblem {
    std::string message;
};

bool debugging() {
    const char* debug = std::getenv("PARAWORK_HOOK_DEBUG");
    return debug && *debug && std::string_view(debug) != "0";
}

std::string sessionId() {
    const char* id = std::getenv("PARAWORK_SESSION_ID");
    if (!id || !*id) throw HookProblem{"PARAWORK_SESSION_ID is not set (not a parawork session)"};
    std::string_view text(id);
    bool plain = text.size() <= kSessionIdLimit;
    for (char c : text)
        plain = plain && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '_');
    if (!plain) throw HookProblem{"PARAWORK_SESSION_ID is not a session id"};
    return std::string(text);
}

/// The event: Codex's notify passes it as the last argument, the others on stdin.
std::string readEvent(const std::vector<std::string>& args) {
    if (!args.empty()) {
        if (args.back().size() > kEventLimit) throw HookProblem{"the event is over 1 MiB"};
        return args.back();
    }
    if (::isatty(STDIN_FILENO)) throw HookProblem{"no event: it comes on stdin or as an argument"};
    auto read = core::readUntil(STDIN_FILENO, core::ReadClock::now() + kReadTimeout, kEventLimit,
                                core::PastLimit::drop);
    if (read.truncated) throw HookProblem{"the event is over 1 MiB"};
    if (read.stop == core::ReadStop::deadline) throw HookProblem{"the event did not end in 2 s"};
    if (read.stop == core::ReadStop::error) throw HookProblem{"cannot read the event on stdin"};
    return std::move(read.data);
}

void postEvent(const std::filesystem::path& socket, const std::string& id,
               const std::string& event) {
    api::Endpoint endpoint;
    endpoint.unixSocket = socket;
    api::HttpClient http(endpoint, kPostTimeout);
    api::HttpReply reply;
    try {
        reply = http.request("POST", "/api/sessions/" + id + "/hook",
                             {{"Content-Type", "application/json"}}, event);
    } catch (const std::exception& e) {
        throw HookProblem{"no daemon at " + socket.string() + ": " + e.what()};
    }
    if (reply.status >= 300)
        throw HookProblem{"refused (HTTP " + std::to_string(reply.status) + "): " + reply.body};
}

}  // namespace

int reportHook(const std::filesystem::path& socket, const std::vector<std::string>& args) {
    try {
        auto id = sessionId();
        auto event = readEvent(args);
        if (socket.empty()) throw HookProblem{"no daemon socket given (--socket)"};
        postEvent(socket, id, event);
    } catch (const HookProblem& problem) {
        if (debugging()) std::cerr << "parawork hook: " << problem.message << std::endl;
    } catch (const std::exception& e) {
        if (debugging()) std::cerr << "parawork hook: " << e.what() << std::endl;
    }
    return 0;
}

std::vector<std::string> positionalArguments(int argc, char** argv, std::filesystem::path& socket) {
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--socket" && i + 1 < argc)
            socket = argv[++i];
        else if (!arg.starts_with("--"))  // whatever flags an agent adds are ignored
            args.emplace_back(arg);
    }
    return args;
}

}  // namespace parawork::cli
