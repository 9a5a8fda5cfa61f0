// W15: agent state (issue 19), two rows.
//
// W15a, hook call → `session_state_changed`: a session whose program is a stand-in named
// `claude` (so the daemon reads its hook events with Claude Code's profile) and a subscriber to
// its workspace on the main WebSocket. Each call alternates UserPromptSubmit (→ working) and Stop
// (→ idle), so every call changes the state; timed from just before the call to the event at the
// subscriber. The call is run as an agent runs it: a `parawork-hook` process (what the daemon
// installs) with the event JSON on stdin (Claude Code adds a `sh -c` in front, not timed here).
// Alternating with it, in the same daemon: the bare `POST /api/sessions/:id/hook` on a kept-alive
// unix-socket connection (the event read after the reply: the figure is max(reply, event)), the
// anchor `GET /api/health` on that connection, and `parawork-hook` without a session id (process
// start alone, no request). Reported: the median over repetitions of each repetition's p50 and p99.
//
// W15b, screen checks at rest: 50 sessions of a stand-in `claude` that draws Claude Code's trust
// dialog and then sleeps (each must be seen as waiting/permission by the screen layer first).
// Anchor: the same program under a name no profile has (no screen checks). Then both again with
// the program rewriting a status row once a second (output trickling: each line is output →
// settle → a screen check for the agent), in the note. Each group of 50 has a daemon of its own,
// and all four run side by side over the same 10 s windows: the CPU of a group's daemon, hosts
// and screen workers (its processes named parawork*, /proc/<pid>/stat), as % of one core; the
// median over windows.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "bench_support.hpp"
#include "core/error.hpp"
#include "workload.hpp"
#include "ws_viewer.hpp"

extern char** environ;

namespace parawork::bench {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr int kHookCalls = 200;  // per repetition, half of them each way
constexpr int kIdleSessions = 50;
constexpr auto kEventTimeout = std::chrono::seconds(5);

// Claude Code's trust dialog, as its screen pattern knows it (src/core/agent_screens.cpp).
constexpr const char* kTrustDialog =
    "printf ' Quick safety check\\r\\n\\r\\n Is this a project you created or one you trust?"
    "\\r\\n\\r\\n > 1. Yes, I trust this folder\\r\\n   2. No, exit\\r\\n\\r\\n"
    " Enter to confirm - Esc to cancel\\r\\n'\n";

std::string claudeEvent(const std::string& name) {
    return R"({"session_id":"bench","transcript_path":"/tmp/t.jsonl","cwd":"/tmp",)"
           R"("permission_mode":"default","hook_event_name":")" +
           name + R"(","prompt":"go on","stop_hook_active":false})";
}

/// Writes an executable `<dir>/<sub>/<name>` running `body` under /bin/sh; returns its path.
/// Named `claude`, it is Claude Code to the daemon (the program's name picks the profile).
std::string writeScript(const fs::path& dir, const std::string& sub, const std::string& name,
                        const std::string& body) {
    fs::create_directories(dir / sub);
    auto script = dir / sub / name;
    std::ofstream(script) << "#!/bin/sh\n" << body;
    fs::permissions(script, fs::perms::owner_all);
    return script.string();
}

/// Spawns argv with stdin from `stdinFile`, stdout to /dev/null, stderr appended to `errFile`,
/// and `extraEnv` ("NAME=value") on top of ours, minus PARAWORK_SESSION_ID unless given.
pid_t spawnWithStdin(const std::vector<std::string>& argv, const std::string& stdinFile,
                     const std::string& errFile, const std::vector<std::string>& extraEnv) {
    std::vector<char*> args, env;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (char** e = environ; *e; ++e)
        if (std::string_view(*e).substr(0, 20) != "PARAWORK_SESSION_ID=") env.push_back(*e);
    for (const auto& e : extraEnv) env.push_back(const_cast<char*>(e.c_str()));
    env.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, stdinFile.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, errFile.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0600);
    pid_t pid = -1;
    int rc = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) core::throwErrno("posix_spawn " + argv[0], rc);
    return pid;
}

void reap(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

/// One hooked session, its workspace's subscriber, and the ways to call its hook.
class HookedSession {
  public:
    HookedSession() : fleet_(daemon_), http_(daemon_.unixSocket()) {
        auto standIn = writeScript(files_.path(), "quiet", "claude", "sleep 1000000\n");
        auto ws = fleet_.createWorkspace();
        id_ = fleet_.start(ws, {standIn});
        for (const char* name : {"UserPromptSubmit", "Stop"})
            std::ofstream(files_.path() / (std::string(name) + ".json")) << claudeEvent(name);
        subscriber_.emplace(daemon_.socketPath(), "/ws");
        subscriber_->onText([this](const std::string& text) { onEvent(text); });
        subscriber_->sendText(R"({"type":"subscribe_workspace","data":{"workspaceId":")" + ws +
                              R"("}})");
        // The subscription takes effect at some point after the frame: call until one is seen
        // (flipping blindly: an event missed meanwhile leaves our idea of the state behind).
        for (int i = 0; i < 50 && !seenAt_; ++i) {
            post(i % 2 ? "Stop" : "UserPromptSubmit");
            awaitEvent(std::chrono::milliseconds(200));
        }
        if (!seenAt_) throw std::runtime_error("no session_state_changed reached the subscriber");
    }

    /// What the daemon installs as agents' hook command: parawork-hook beside parawork.
    static std::string hookBinary() {
        return (std::filesystem::path(test::parawork()).parent_path() / "parawork-hook").string();
    }

    /// Milliseconds from before a `parawork-hook` process starts to the event.
    double viaProcess() {
        auto event = nextEvent();
        auto start = Clock::now();
        pid_t pid = spawnWithStdin({hookBinary(), "--socket", daemon_.socketPath().string()},
                                   eventFile(event), errFile(),
                                   {"PARAWORK_SESSION_ID=" + id_, "PARAWORK_HOOK_DEBUG=1"});
        Finally reaped{[pid] { reap(pid); }};
        return millisecondsBetween(start, expectEvent("parawork-hook"));
    }

    /// Milliseconds from before a bare POST to the event (read after the reply).
    double viaPost() {
        auto start = Clock::now();
        post(nextEvent());
        return millisecondsBetween(start, expectEvent("POST"));
    }

    /// Milliseconds of a `parawork-hook` that refuses at once (no PARAWORK_SESSION_ID).
    double processAlone() {
        auto start = Clock::now();
        reap(spawnWithStdin({hookBinary(), "--socket", daemon_.socketPath().string()},
                            eventFile("Stop"), "/dev/null", {}));
        return millisecondsBetween(start, Clock::now());
    }

    double health() {
        auto start = Clock::now();
        if (http_.get("/api/health").status != 200) throw std::runtime_error("health: not 200");
        return millisecondsBetween(start, Clock::now());
    }

  private:
    const char* nextEvent() const { return working_ ? "Stop" : "UserPromptSubmit"; }
    std::string eventFile(const std::string& event) const {
        return (files_.path() / (event + ".json")).string();
    }
    std::string errFile() const { return (files_.path() / "hook.err").string(); }

    void post(const std::string& event) {
        std::ifstream in(eventFile(event));
        std::string body((std::istreambuf_iterator<char>(in)), {});
        auto reply = http_.request("POST", "/api/sessions/" + id_ + "/hook",
                                   {{"Content-Type", "application/json"}}, body);
        if (reply.status != 200)
            throw std::runtime_error("hook POST: HTTP " + std::to_string(reply.status) + " " +
                                     reply.body);
    }

    void onEvent(const std::string& text) {
        auto message = json::parse(text);
        if (message.at("type") != "session_state_changed") return;
        const auto& data = message.at("data");
        if (data.at("sessionId") != id_.c_str()) return;
        working_ = data.at("state") == "working";
        seenAt_ = Clock::now();
    }

    /// Pumps the subscriber until an event arrives or `timeout`.
    void awaitEvent(std::chrono::milliseconds timeout) {
        seenAt_.reset();
        auto until = Clock::now() + timeout;
        while (!seenAt_ && Clock::now() < until)
            if (!subscriber_->pump(
                    std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now())))
                throw std::runtime_error("the main WebSocket closed");
    }

    Clock::time_point expectEvent(const char* how) {
        bool wasWorking = working_;
        awaitEvent(kEventTimeout);
        if (!seenAt_ || working_ == wasWorking) {
            std::ifstream err(errFile());
            std::string said((std::istreambuf_iterator<char>(err)), {});
            throw std::runtime_error(std::string("no state change within 5 s after a ") + how +
                                     (said.empty() ? "" : "; the hook said: " + said));
        }
        return *seenAt_;
    }

    test::DaemonProcess daemon_;
    test::TempDir files_{"pw-w15"};
    SessionFleet fleet_;
    api::HttpClient http_;
    std::string id_;
    std::optional<WsViewer> subscriber_;
    bool working_ = false;
    std::optional<Clock::time_point> seenAt_;
};

Result runHookLatency(const RunOptions& options) {
    HookedSession session;
    for (int i = 0; i < 20; ++i) session.viaProcess(), session.viaPost(), session.health();
    Latencies process, post, health, alone;
    for (int rep = 0; rep < options.repetitions; ++rep) {
        checkInterrupted();
        std::vector<double> p, q, h, a;
        for (int i = 0; i < kHookCalls; ++i) {
            p.push_back(session.viaProcess());
            q.push_back(session.viaPost());
            h.push_back(session.health());
            if (i % 4 == 0) a.push_back(session.processAlone());
        }
        process.add(std::move(p));
        post.add(std::move(q));
        health.add(std::move(h));
        alone.add(std::move(a));
    }
    Result r;
    r.id = "W15a";
    r.workload = "hook call (parawork-hook) -> session_state_changed";
    r.unit = "ms";
    r.ours = median(process.p50);
    r.oursP99 = median(process.p99);
    r.anchor = median(health.p50);
    r.anchorName = "GET /api/health round trip";
    r.target = "p50 <= 20 ms, p99 <= 50 ms";
    r.holds = r.ours <= 20 && *r.oursP99 <= 50;
    char note[400];
    std::snprintf(note, sizeof note,
                  "%d reps x %d calls by each path; bare POST -> event p50 %.2f ms, p99 %.2f ms; "
                  "parawork-hook refusing at once (process start, no request) p50 %.2f ms; "
                  "health p99 %.2f ms",
                  options.repetitions, kHookCalls, median(post.p50), median(post.p99),
                  median(alone.p50), median(health.p99));
    r.note = note;
    return r;
}

Register hookLatency("W15", runHookLatency);

// The trickling stand-in: the dialog stays, a status row on the last line changes each second.
constexpr const char* kTrickle =
    R"(perl -e '$| = 1; for ($n = 1;; $n++) { sleep 1; print "\e7\e[30;1Htick $n\e8" }')"
    "\n";

std::string commOf(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
    std::string comm;
    std::getline(in, comm);
    return comm;
}

/// The daemon, the sessions' hosts and their screen workers: every process named parawork*
/// among them and their descendants (not the stand-ins: their CPU is the agent's own).
std::vector<pid_t> paraworkProcesses(pid_t daemon, const SessionFleet& fleet) {
    std::vector<pid_t> roots{daemon};
    for (const auto& id : fleet.ids()) roots.push_back(fleet.hostPid(id));
    std::vector<pid_t> ours;
    for (pid_t pid : processTree(roots))
        if (commOf(pid).starts_with("parawork")) ours.push_back(pid);
    return ours;
}

/// 50 sessions of one stand-in in a daemon of their own, so that the CPU of their parawork
/// processes (the daemon's included) is theirs alone while the four groups run side by side.
class Group {
  public:
    /// `agent`: the stand-in is named like Claude Code; each session must be seen waiting on its
    /// screen. Otherwise its dialog in the output is enough.
    Group(const std::string& standIn, bool agent)
        : daemon_(test::DaemonProcess::Options{.extraArgs = {"--log-level", "warn"}}),
          fleet_(daemon_) {
        for (int i = 0; i < kIdleSessions; ++i) {
            checkInterrupted();
            fleet_.start(fleet_.createWorkspace(), {standIn});
        }
        for (const auto& id : fleet_.ids()) {
            if (agent)
                awaitWaiting(id);
            else
                fleet_.api().waitOutput(id, "Quick safety check");
        }
    }

    /// Takes the processes to measure (once the sessions run).
    void collect() { pids_ = paraworkProcesses(daemon_.pid(), fleet_); }
    double cpu() const {
        double seconds = 0;
        for (pid_t pid : pids_) seconds += cpuSeconds(pid);
        return seconds;
    }
    std::size_t processes() const { return pids_.size(); }
    void stop() { fleet_.stopAll(std::chrono::seconds(60)); }

  private:
    void awaitWaiting(const std::string& id) {
        for (auto until = Clock::now() + std::chrono::seconds(60);;) {
            auto activity = fleet_.api().session(id).at("activity");
            if (activity.at("state") == "waiting" && activity.at("waitingFor") == "permission")
                return;
            if (Clock::now() > until)
                throw std::runtime_error("session " + id + " not seen waiting on its screen: " +
                                         json::serialize(activity));
            sleepFor(std::chrono::milliseconds(50));
        }
    }

    test::DaemonProcess daemon_;
    SessionFleet fleet_;
    std::vector<pid_t> pids_;
};

/// Each group's % of one core, per window (all groups over the same windows).
std::vector<std::vector<double>> cpuPerWindow(const std::vector<std::unique_ptr<Group>>& groups,
                                              int windows, std::chrono::seconds length) {
    std::vector<std::vector<double>> percents(groups.size());
    for (int w = 0; w < windows; ++w) {
        std::vector<double> before;
        for (const auto& g : groups) before.push_back(g->cpu());
        auto start = Clock::now();
        sleepFor(length);
        double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        for (std::size_t i = 0; i < groups.size(); ++i)
            percents[i].push_back(100 * (groups[i]->cpu() - before[i]) / seconds);
    }
    return percents;
}

std::string spread(const std::vector<double>& v) {
    char text[64];
    std::snprintf(text, sizeof text, "%.2f%% (%.2f..%.2f)", median(v), percentile(v, 0),
                  percentile(v, 100));
    return text;
}

Result runScreenChecks(const RunOptions& options) {
    test::TempDir files{"pw-w15s"};
    const std::string rest = std::string(kTrustDialog) + "sleep 1000000\n";
    const std::string trickle = std::string(kTrustDialog) + kTrickle;
    // Agents (named claude) and the same programs under a name no profile has: the anchor.
    std::vector<std::unique_ptr<Group>> groups;
    groups.push_back(
        std::make_unique<Group>(writeScript(files.path(), "rest", "claude", rest), true));
    groups.push_back(
        std::make_unique<Group>(writeScript(files.path(), "plain", "idle", rest), false));
    groups.push_back(
        std::make_unique<Group>(writeScript(files.path(), "trickle", "claude", trickle), true));
    groups.push_back(std::make_unique<Group>(
        writeScript(files.path(), "plain-trickle", "idle", trickle), false));
    // Past the start's own work: the quiet layer's 3 s, debounces, the first screen checks.
    sleepFor(std::chrono::seconds(5));
    for (auto& g : groups) g->collect();
    int windows = options.quick ? 3 : options.repetitions;
    auto length = std::chrono::seconds(options.quick ? 5 : 10);
    auto percents = cpuPerWindow(groups, windows, length);
    for (auto& g : groups) g->stop();
    Result r;
    r.id = "W15b";
    r.workload = "screen checks: 50 idle agent sessions (waiting)";
    r.unit = "% CPU";
    r.ours = median(percents[0]);
    r.anchor = median(percents[1]);
    r.anchorName = "50 idle sessions of a program without a profile";
    r.target = "<= 1% of a core";
    r.holds = r.ours <= 1;
    r.note = "a daemon per group of 50, all four groups over the same " + std::to_string(windows) +
             " windows of " + std::to_string(length.count()) + " s; daemon + hosts + screen " +
             "workers (" + std::to_string(groups[0]->processes()) + " processes; without a " +
             "profile " + std::to_string(groups[1]->processes()) + "); at rest " +
             spread(percents[0]) + ", without a profile " + spread(percents[1]) +
             "; each session rewriting a row once a second: " + spread(percents[2]) +
             ", without a profile " + spread(percents[3]);
    return r;
}

Register screenChecks("W15", runScreenChecks);

}  // namespace
}  // namespace parawork::bench
