#include "session/output_events.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/serialize.hpp>

#include "core/clock.hpp"
#include "session/terminal_events.hpp"
#include "store/sessions.hpp"
#include "store/workspaces.hpp"

namespace parawork::session {
namespace {

namespace json = boost::json;

constexpr std::size_t kReadChunk = 256 * 1024;
constexpr std::size_t kReadBudget = 8u << 20;  ///< per turn, so one flood cannot starve others
constexpr std::size_t kRowBatch = 500;

std::string event(std::string_view type, json::object data) {
    return json::serialize(json::object{{"type", type}, {"data", std::move(data)}});
}

/// Length of the UTF-8 sequence that starts with `lead`, 0 if `lead` cannot start one.
std::size_t sequenceLength(unsigned char lead) {
    if (lead < 0x80) return 1;
    if (lead >= 0xC2 && lead <= 0xDF) return 2;
    if (lead >= 0xE0 && lead <= 0xEF) return 3;
    if (lead >= 0xF0 && lead <= 0xF4) return 4;
    return 0;
}

bool isContinuation(unsigned char c) {
    return (c & 0xC0) == 0x80;
}

}  // namespace

std::string takeUtf8(std::string& pending, std::string_view bytes) {
    std::string in = std::move(pending);
    pending.clear();
    in.append(bytes);
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size();) {
        auto lead = static_cast<unsigned char>(in[i]);
        std::size_t len = sequenceLength(lead);
        if (len == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
            continue;
        }
        if (i + len > in.size()) {  // incomplete at the end: keep it if it may still complete
            bool ok = true;
            for (std::size_t j = i + 1; j < in.size(); ++j) ok = ok && isContinuation(in[j]);
            if (ok) {
                pending = in.substr(i);
                break;
            }
        }
        bool valid = i + len <= in.size();
        for (std::size_t j = 1; valid && j < len; ++j) valid = isContinuation(in[i + j]);
        if (!valid) {
            out += "\xEF\xBF\xBD";
            ++i;
            continue;
        }
        out.append(in, i, len);
        i += len;
    }
    return out;
}

OutputEvents::OutputEvents(store::Database& db, const ServiceConfig& config, const EventSink& sink,
                           const SessionObservers& observers, SessionActivity& activity,
                           Forget forget)
    : db_(db),
      config_(config),
      sink_(sink),
      observers_(observers),
      activity_(activity),
      forget_(std::move(forget)) {
    thread_ = std::thread([this] { run(); });
}

OutputEvents::~OutputEvents() {
    stop();
}

void OutputEvents::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void OutputEvents::wake(std::shared_ptr<LiveSession> session) {
    {
        std::lock_guard lock(mutex_);
        if (!queued_.insert(session.get()).second) return;
        queue_.push_back(std::move(session));
    }
    cv_.notify_one();
}

void OutputEvents::run() {
    for (;;) {
        std::shared_ptr<LiveSession> session;
        {
            std::unique_lock lock(mutex_);
            cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            session = std::move(queue_.front());
            queue_.pop_front();
            queued_.erase(session.get());
        }
        try {
            bool more = follow(*session);
            if (more)
                wake(session);
            else if (session->ended && !session->finished)
                finish(session);
        } catch (const std::exception& e) {
            spdlog::error("session {}: following output failed: {}", session->id, e.what());
        }
    }
}

void OutputEvents::publish(const LiveSession& session, std::string text) {
    if (sink_.publish) sink_.publish(session.workspaceId, std::move(text));
}

bool OutputEvents::follow(LiveSession& session) {
    host::OutputLogReader reader(session.paths.logDir());
    if (!session.firstOutputRecorded && reader.endOffset() > 0) {
        session.firstOutputRecorded = true;
        store::SessionPatch patch;
        patch.firstOutputAt = core::nowMs();
        store::updateSession(db_, session.id, patch);
    }
    std::size_t budget = kReadBudget;
    bool more = false;
    while (budget > 0) {
        auto read = reader.readFrom(session.parsed, std::min(kReadChunk, budget));
        if (read.bytes.empty()) break;
        budget -= std::min(budget, read.bytes.size());
        if (!sink_.listening || sink_.listening())
            observers_.terminalOutput(session.id, session.workspaceId, session.kind, read.offset,
                                      read.nextOffset);
        // A person's shell is not an agent: its lines are neither agent_log rows nor markers.
        if (session.kind != core::SessionKind::Terminal) {
            parseLines(session, read.bytes);
            activity_.output(session.id, session.signals, read.bytes);
            session.bracketedPaste = session.signals.bracketedPaste();
        }
        session.parsed = read.nextOffset;
        more = budget == 0;
    }
    flushRows(session);
    return more;
}

void OutputEvents::parseLines(LiveSession& session, std::string_view bytes) {
    // Past the logged lines only markers matter: output that cannot hold one is skipped at
    // memchr speed instead of line by line.
    if (!logging(session) && !session.splitter.mayContain(bytes, {"[parawork:", "[vmux:"}))
        return session.splitter.skip(bytes);
    session.splitter.feed(bytes, [&](std::string_view line) { onLine(session, line); });
}

bool OutputEvents::logging(const LiveSession& session) const {
    // The first agentLogBytes of output, and no more lines than a session keeps: a flood of
    // short lines ("y\n") would otherwise write half a million rows only to trim them at the end,
    // and the session's end would wait seconds for that (issue 18 item 8a).
    return session.loggedBytes < config_.agentLogBytes &&
           session.loggedRows < config_.maxAgentLogRows;
}

void OutputEvents::onLine(LiveSession& session, std::string_view line) {
    bool logged = logging(session);
    bool maybeMarker = line.find("[parawork:") != std::string_view::npos ||
                       line.find("[vmux:") != std::string_view::npos;
    if (!logged && !maybeMarker) return;
    std::string clean = sanitizeLogLine(line);
    auto now = core::nowMs();
    if (logged && clean.find_first_not_of(" \t\r\n") != std::string::npos) {
        session.loggedBytes += line.size() + 1;
        ++session.loggedRows;
        if (!sink_.listening || sink_.listening())
            publish(session, event("agent_log", {{"sessionId", session.id},
                                                 {"workspaceId", session.workspaceId},
                                                 {"level", "info"},
                                                 {"message", clean},
                                                 {"timestamp", now}}));
        observers_.outputLine(session.id, session.workspaceId, clean);
        rows_.push_back({now, core::LogLevel::Info, clean});  // a copy: a marker is read below
        if (rows_.size() >= kRowBatch) flushRows(session);
        if (!maybeMarker) return;
    }
    auto marker = parseMarker(clean);
    if (!marker) return;
    json::object data{
        {"sessionId", session.id}, {"workspaceId", session.workspaceId}, {"timestamp", now}};
    if (marker->kind == Marker::Kind::Ready) {
        data["url"] = marker->value;
        store::SessionPatch patch;
        patch.readyAt = now;
        store::updateSession(db_, session.id, patch);
        publish(session, event("session_ready", std::move(data)));
    } else {
        data["stage"] = marker->value;
        data["done"] = marker->kind == Marker::Kind::StageDone;
        publish(session, event("session_stage", std::move(data)));
    }
}

void OutputEvents::flushRows(LiveSession& session) {
    store::SessionPatch patch;
    patch.logOffset = static_cast<std::int64_t>(session.parsed);
    try {
        if (!rows_.empty()) store::insertAgentLogs(db_, session.id, rows_);
        store::updateSession(db_, session.id, patch);
    } catch (const std::exception& e) {
        // The session's row is gone (its workspace was deleted): nothing left to record into.
        spdlog::debug("session {}: cannot record output lines: {}", session.id, e.what());
    }
    rows_.clear();
}

void OutputEvents::finish(const std::shared_ptr<LiveSession>& session) {
    observers_.processEnded(session->id);
    if (auto partial = session->splitter.flush()) onLine(*session, *partial);
    flushRows(*session);
    store::trimAgentLogs(db_, session->id, config_.maxAgentLogRows);

    const auto& exit = session->exit;
    bool stopped = session->stopRequested;
    // A limit the monitor stopped it for, or one the kernel acted on (an OOM kill).
    std::string limit;
    if (stopped) {
        std::lock_guard lock(session->killMutex);
        if (session->stopReason.starts_with("limit:")) limit = session->stopReason;
    } else if (config_.endReason) {
        limit = config_.endReason(session->id).value_or("");
    }
    stopped = stopped && limit.empty();  // by a person
    bool success = stopped || (limit.empty() && exit && exit->exitCode == 0);
    store::SessionPatch patch;
    patch.status = success ? core::SessionStatus::Completed : core::SessionStatus::Failed;
    patch.completedAt = exit && exit->exitedAtMs ? exit->exitedAtMs : core::nowMs();
    if (exit && exit->exitCode) patch.exitCode = *exit->exitCode;
    if (exit && exit->signal) patch.exitSignal = *exit->signal;
    patch.exitReason = stopped          ? std::string("stopped")
                       : !limit.empty() ? limit
                       : !exit          ? session->lostReason
                                        : std::string(host::toString(exit->reason));
    // The workspace first: the session's final status is what watchers wait for. Only an agent
    // decides its workspace's status.
    const bool agent = session->kind == core::SessionKind::Agent;
    store::WorkspacePatch ws;
    ws.status = stopped   ? core::WorkspaceStatus::Idle
                : success ? core::WorkspaceStatus::Completed
                          : core::WorkspaceStatus::Error;
    // A workspace deleted meanwhile has no status to announce.
    const bool workspaceKept = agent && store::updateWorkspace(db_, session->workspaceId, ws);
    auto recorded = store::updateSession(db_, session->id, patch);

    auto now = core::nowMs();
    json::object data{{"sessionId", session->id},
                      {"workspaceId", session->workspaceId},
                      {"success", success},
                      {"timestamp", now},
                      {"exitReason", *patch.exitReason}};
    data["exitCode"] = patch.exitCode ? json::value(*patch.exitCode) : json::value(nullptr);
    data["signal"] = patch.exitSignal ? json::value(*patch.exitSignal) : json::value(nullptr);
    if (session->kind == core::SessionKind::Terminal)
        publish(*session, userTerminalExited(session->id, session->workspaceId, patch.exitCode,
                                             patch.exitSignal));
    else
        publish(*session, event("session_completed", std::move(data)));
    if (workspaceKept)
        publish(*session, event("workspace_status_changed", {{"workspaceId", session->workspaceId},
                                                             {"status", core::toString(*ws.status)},
                                                             {"timestamp", now}}));
    session->finished = true;
    if (!recorded) {  // its workspace was deleted meanwhile: tell what is known
        recorded.emplace();
        recorded->id = session->id;
        recorded->workspaceId = session->workspaceId;
        recorded->kind = session->kind;
        recorded->status = *patch.status;
    }
    activity_.ended(*recorded);
    observers_.sessionEnded(*recorded);
    observers_.outputAdvanced(session->id);  // viewers see the end
    spdlog::info("session {} ended: {}", session->id, *patch.exitReason);
    forget_(session);
}

}  // namespace parawork::session
