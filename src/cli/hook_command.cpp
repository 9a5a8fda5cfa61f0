// `parawork hook`: what an agent's hook runs (issue 19 §2). It hands the agent's event JSON to
// the daemon over the unix socket (POST /api/sessions/<id>/hook, the session's id from
// PARAWORK_SESSION_ID) and gets out of the agent's way: it never starts the daemon, prints
// nothing on stdout (Claude Code and Gemini CLI read a hook's stdout as instructions), always
// exits 0 (a non-zero exit can block or fail the agent's step) and gives up after ~2 s.
//
// Problems go to stderr only with PARAWORK_HOOK_DEBUG set: Codex runs its notify command with
// the agent's own terminal as stderr, where a message would be drawn over its screen, and
// Claude Code shows hook stderr in its transcript. The daemon logs what it refuses.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>

#include "api/http_client.hpp"
#include "cli/commands.hpp"
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

int runHook(Context& ctx, const std::string& socket, const std::vector<std::string>& args) {
    try {
        auto id = sessionId();
        auto event = readEvent(args);
        postEvent(socket.empty() ? ctx.paths().socketFile() : std::filesystem::path(socket), id,
                  event);
    } catch (const HookProblem& problem) {
        if (debugging()) std::cerr << "parawork hook: " << problem.message << std::endl;
    } catch (const std::exception& e) {
        if (debugging()) std::cerr << "parawork hook: " << e.what() << std::endl;
    }
    return 0;
}

}  // namespace

void addHookCommand(CLI::App& app, Context& ctx) {
    auto* hook = app.add_subcommand(
        "hook", "Report an agent's hook event to the daemon (what agents' hooks run; exits 0)");
    auto socket = std::make_shared<std::string>();
    auto args = std::make_shared<std::vector<std::string>>();
    hook->add_option("--socket", *socket, "The daemon's unix socket (default: this home's)");
    hook->add_option("event", *args, "The event's JSON (Codex's notify); default: stdin");
    // Whatever an agent adds, the hook never fails on its arguments: they stay here instead
    // of falling through to the app's own flags (`parawork --home H hook` still works).
    hook->allow_extras();
    hook->fallthrough(false);
    hook->callback([&ctx, hook, socket, args] {
        // The event is the positional argument (Codex appends it last); extras are ignored.
        throw CLI::RuntimeError(runHook(ctx, *socket, *args));
    });
}

}  // namespace parawork::cli
