#include "daemon/attention_notifier.hpp"

#include <spdlog/spdlog.h>

#include "session/command_runner.hpp"
#include "store/workspaces.hpp"

extern char** environ;

namespace parawork::daemon {
namespace {

/// A command's output kept for the log line when it fails.
constexpr std::size_t kKeptOutput = 4096;

/// The daemon's environment (a script may call `parawork`: PARAWORK_HOME stays) with `extra`'s
/// "KEY=VALUE" pairs replacing the same keys.
std::vector<std::string> environmentWith(const std::vector<std::string>& extra) {
    auto keyOf = [](std::string_view pair) { return pair.substr(0, pair.find('=') + 1); };
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        bool replaced = false;
        for (const auto& pair : extra) replaced = replaced || keyOf(pair) == keyOf(*e);
        if (!replaced) env.emplace_back(*e);
    }
    env.insert(env.end(), extra.begin(), extra.end());
    return env;
}

/// "exit 3: <first line of stderr>", "killed after 10000 ms", "signal 9".
std::string failure(const session::CommandResult& r, std::chrono::milliseconds timeout) {
    if (r.timedOut) return "killed after " + std::to_string(timeout.count()) + " ms";
    if (r.signal) return "signal " + std::to_string(*r.signal);
    auto line = r.err.substr(0, r.err.find('\n'));
    return "exit " + std::to_string(r.exitCode.value_or(-1)) + (line.empty() ? "" : ": " + line);
}

bool failed(const session::CommandResult& r) {
    return r.timedOut || r.signal || r.exitCode.value_or(1) != 0;
}

}  // namespace

NotifyOptions notifyOptions(const Config& config) {
    NotifyOptions o;
    o.command = config.notifyCommand;
    o.webhook = config.notifyWebhook.value_or("");
    // The config check allows only the three spellings.
    o.format = parseWebhookFormat(config.notifyFormat).value_or(WebhookFormat::Json);
    o.timeout = std::chrono::milliseconds(config.notifyTimeoutMs);
    return o;
}

AttentionNotifier::AttentionNotifier(store::Database& db, NotifyOptions options)
    : db_(db), options_(std::move(options)) {
    if (options_.enabled()) worker_ = std::thread([this] { work(); });
}

AttentionNotifier::~AttentionNotifier() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        if (!queue_.empty())
            spdlog::info("notify: {} notification(s) not sent: the daemon stops", queue_.size());
        queue_.clear();
    }
    wake_.notify_all();
    if (worker_.joinable()) worker_.join();
}

void AttentionNotifier::sessionRunning(const core::Session& session) {
    if (!options_.enabled() || session.kind != core::SessionKind::Agent) return;
    std::lock_guard lock(mutex_);
    agents_[session.id] = session.agentType;
}

void AttentionNotifier::activityChanged(const std::string& sessionId,
                                        const std::string& workspaceId, const core::Activity& now,
                                        const core::Activity& before) {
    if (!options_.enabled()) return;
    std::lock_guard lock(mutex_);
    auto agent = agents_.find(sessionId);
    if (agent == agents_.end()) return;  // a command or setup session: not an agent's turn
    AttentionNotice notice{sessionId, workspaceId, {}, agent->second, now, before.state};
    if (core::isEnded(now.state)) agents_.erase(agent);
    if (!deservesNotice(before, now) || stopping_) return;
    if (queue_.size() >= options_.maxQueued) {
        spdlog::warn("notify: queue full ({}), the notice for session {} ({}) is dropped",
                     options_.maxQueued, sessionId, core::toString(now.state));
        return;
    }
    queue_.push_back(std::move(notice));
    wake_.notify_one();
}

void AttentionNotifier::work() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        auto notice = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        try {
            deliver(std::move(notice));
        } catch (const std::exception& e) {  // a store error: this notice only
            spdlog::warn("notify: {}", e.what());
        }
        lock.lock();
    }
}

void AttentionNotifier::deliver(AttentionNotice notice) {
    auto workspace = store::findWorkspace(db_, notice.workspaceId);
    if (!workspace) return;  // deleted meanwhile
    if (workspace->notificationsMuted) {
        spdlog::debug("notify: workspace {} is muted", workspace->name);
        return;
    }
    notice.workspaceName = workspace->name;
    if (!options_.command.empty()) runCommand(notice);
    if (!options_.webhook.empty()) callWebhook(notice);
}

void AttentionNotifier::runCommand(const AttentionNotice& notice) {
    session::CommandSpec spec{.argv = options_.command,
                              .cwd = "/",
                              .env = environmentWith(noticeEnvironment(notice)),
                              .stdinData = noticeJson(notice) + "\n",
                              .timeout = options_.timeout,
                              .maxOutputBytes = kKeptOutput};
    try {
        auto r = session::runCommand(spec);
        if (failed(r))
            spdlog::warn("notify: command {} failed: {}", options_.command[0],
                         failure(r, options_.timeout));
    } catch (const session::CommandError& e) {
        spdlog::warn("notify: command cannot run: {}", e.what());
    }
}

void AttentionNotifier::callWebhook(const AttentionNotice& notice) {
    auto request = webhookRequest(options_.format, notice);
    auto seconds = std::to_string(static_cast<double>(options_.timeout.count()) / 1000.0);
    // -f: an HTTP error is a failure; --proto: only http(s), also after redirects.
    std::vector<std::string> argv{options_.curl, "-sS",           "-f",    "--proto",
                                  "=http,https", "--max-time",    seconds, "-X",
                                  "POST",        "--data-binary", "@-"};
    for (const auto& [name, value] : request.headers) {
        argv.push_back("-H");
        argv.push_back(name + ": " + value);
    }
    argv.push_back("--");
    argv.push_back(options_.webhook);
    session::CommandSpec spec{.argv = std::move(argv),
                              .cwd = "/",
                              .env = environmentWith({}),
                              .stdinData = std::move(request.body),
                              // curl's own --max-time first; this only catches a stuck curl.
                              .timeout = options_.timeout + std::chrono::seconds(2),
                              .maxOutputBytes = kKeptOutput};
    try {
        auto r = session::runCommand(spec);
        if (failed(r)) spdlog::warn("notify: webhook failed: {}", failure(r, spec.timeout));
    } catch (const session::CommandError& e) {
        spdlog::warn("notify: webhook cannot be called: {}", e.what());
    }
}

}  // namespace parawork::daemon
