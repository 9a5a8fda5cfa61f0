#include "ports/port_service.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include <spdlog/spdlog.h>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "ports/output_urls.hpp"
#include "ports/preview_host.hpp"
#include "ports/readiness.hpp"
#include "store/ports.hpp"
#include "store/sessions.hpp"
#include "store/workspaces.hpp"

namespace parawork::ports {
namespace json = boost::json;

namespace {

std::string event(std::string_view type, json::object data) {
    return json::serialize(json::object{{"type", type}, {"data", std::move(data)}});
}

json::array addressesOf(const SessionPort& port) {
    json::array out;
    for (const auto& s : port.sockets) out.emplace_back(s.address);
    return out;
}

json::array pidsOf(const SessionPort& port) {
    json::array out;
    for (auto pid : port.pids) out.emplace_back(pid);
    return out;
}

constexpr auto kProbeTimeout = std::chrono::milliseconds(500);
constexpr auto kProbeRound = std::chrono::milliseconds(200);

}  // namespace

struct PortService::Impl {
    store::Database& db;
    PortServiceConfig config;
    Publish publish;
    std::atomic<std::uint16_t> daemonPort{0};

    struct Probe {
        std::string sessionId;
        std::string workspaceId;
        std::string address;
        std::uint16_t port = 0;
        std::chrono::steady_clock::time_point until;
    };

    mutable std::mutex mutex;  // blocks, ready, probes, stopping
    PortBlocks blocks;
    std::set<std::string> ready;  ///< sessions known to be ready
    std::vector<Probe> probes;
    std::condition_variable probeWake;
    bool stopping = false;
    std::thread prober;
    // Last: its thread calls back into the members above, so it stops first.
    std::unique_ptr<PortTracker> tracker;

    Impl(store::Database& d, PortServiceConfig c, Publish p)
        : db(d), config(std::move(c)), publish(std::move(p)), blocks(config.blocks) {
        for (const auto& [workspaceId, block] : store::listPortBlocks(db))
            blocks.restore(workspaceId, {block.first, block.size});
        prober = std::thread([this] { probeLoop(); });
        tracker = std::make_unique<PortTracker>(
            PortEvents{[this](const TrackedSession& s, const SessionPort& p) { opened(s, p); },
                       [this](const TrackedSession& s, const SessionPort& p) { closed(s, p); }},
            config.scanInterval);
    }

    std::string url(std::uint16_t port, const std::string& workspaceId) const {
        return ports::previewUrl(port, workspaceId, config.previewDomain, publicPort(),
                                 config.previewScheme);
    }

    std::uint16_t publicPort() const {
        return config.previewPublicPort ? config.previewPublicPort : daemonPort.load();
    }

    json::object listeningJson(const TrackedSession& s, const SessionPort& p) const {
        bool v6only = std::all_of(p.sockets.begin(), p.sockets.end(),
                                  [](const ListeningSocket& l) { return l.family == AF_INET6; });
        return {{"sessionId", s.id},
                {"workspaceId", s.workspaceId},
                {"port", p.port},
                {"state", "listening"},
                {"address", p.connectAddress()},
                {"addresses", addressesOf(p)},
                {"family", v6only ? "ipv6" : "ipv4"},
                {"pids", pidsOf(p)},
                {"declared", std::binary_search(s.declared.begin(), s.declared.end(), p.port)},
                {"openedAt", p.openedAt},
                {"url", url(p.port, s.workspaceId)},
                {"directUrl", "http://" +
                                  (p.connectAddress().find(':') != std::string::npos
                                       ? "[" + p.connectAddress() + "]"
                                       : p.connectAddress()) +
                                  ":" + std::to_string(p.port) + "/"}};
    }

    json::object declaredJson(const std::string& sessionId, const std::string& workspaceId,
                              std::uint16_t port) const {
        return {{"sessionId", sessionId}, {"workspaceId", workspaceId},
                {"port", port},           {"state", "declared"},
                {"declared", true},       {"url", url(port, workspaceId)}};
    }

    json::array portsJson(const TrackedSession& s) const {
        json::array out;
        for (const auto& p : s.ports) out.push_back(listeningJson(s, p));
        for (auto port : s.declared)
            if (std::none_of(s.ports.begin(), s.ports.end(),
                             [&](const SessionPort& p) { return p.port == port; }))
                out.push_back(declaredJson(s.id, s.workspaceId, port));
        return out;
    }

    void opened(const TrackedSession& s, const SessionPort& p) {
        spdlog::info("session {} listens on port {}", s.id, p.port);
        publish(s.workspaceId, event("port_opened", listeningJson(s, p)));
        std::lock_guard lock(mutex);
        if (ready.contains(s.id)) return;
        probes.push_back({s.id, s.workspaceId, p.connectAddress(), p.port,
                          std::chrono::steady_clock::now() + config.readinessWindow});
        probeWake.notify_all();
    }

    void closed(const TrackedSession& s, const SessionPort& p) {
        publish(s.workspaceId,
                event("port_closed", json::object{{"sessionId", s.id},
                                                  {"workspaceId", s.workspaceId},
                                                  {"port", p.port},
                                                  {"url", url(p.port, s.workspaceId)},
                                                  {"closedAt", core::nowMs()}}));
        std::lock_guard lock(mutex);
        std::erase_if(probes, [&](const Probe& probe) {
            return probe.sessionId == s.id && probe.port == p.port;
        });
    }

    bool isReady(const std::string& sessionId) const {
        std::lock_guard lock(mutex);
        return ready.contains(sessionId);
    }

    /// Announces the session ready once: readyAt stored, `session_ready` published. A session
    /// whose readyAt is already set (a [parawork:ready] marker) is not announced again.
    void markReady(const std::string& sessionId, const std::string& workspaceId,
                   std::string_view reason, std::optional<std::uint16_t> port) {
        {
            std::lock_guard lock(mutex);
            if (!ready.insert(sessionId).second) return;
            std::erase_if(probes, [&](const Probe& p) { return p.sessionId == sessionId; });
        }
        auto session = store::findSession(db, sessionId);
        if (!session || session->readyAt) return;
        auto now = core::nowMs();
        store::SessionPatch patch;
        patch.readyAt = now;
        store::updateSession(db, sessionId, patch);
        json::object data{{"sessionId", sessionId},
                          {"workspaceId", workspaceId},
                          {"timestamp", now},
                          {"readyAt", now},
                          {"reason", reason}};
        if (session->startedAt) data["startupMs"] = now - *session->startedAt;
        if (port) {
            data["port"] = *port;
            data["url"] = url(*port, workspaceId);
        }
        spdlog::info("session {} ready ({})", sessionId, reason);
        publish(workspaceId, event("session_ready", std::move(data)));
    }

    void probeLoop() {
        std::unique_lock lock(mutex);
        while (!stopping) {
            if (probes.empty()) probeWake.wait(lock, [&] { return stopping || !probes.empty(); });
            if (stopping) break;
            auto round = probes;
            lock.unlock();
            auto started = std::chrono::steady_clock::now();
            for (const auto& probe : round) {
                auto status = probeHttp(probe.address, probe.port, kProbeTimeout);
                if (status && isUpStatus(*status))
                    markReady(probe.sessionId, probe.workspaceId, "port", probe.port);
            }
            lock.lock();
            auto now = std::chrono::steady_clock::now();
            std::erase_if(probes, [&](const Probe& p) { return p.until <= now; });
            probeWake.wait_until(lock, started + kProbeRound, [&] { return stopping; });
        }
    }

    void stop() {
        if (tracker) tracker->stop();
        {
            std::lock_guard lock(mutex);
            stopping = true;
        }
        probeWake.notify_all();
        if (prober.joinable()) prober.join();
    }
};

PortService::PortService(store::Database& db, PortServiceConfig config, Publish publish)
    : impl_(std::make_unique<Impl>(db, std::move(config), std::move(publish))) {}

PortService::~PortService() {
    stop();
}

void PortService::stop() {
    impl_->stop();
}

void PortService::setDaemonPort(std::uint16_t port) {
    impl_->daemonPort = port;
}

std::uint16_t PortService::daemonPort() const {
    return impl_->daemonPort.load();
}

const std::string& PortService::previewDomain() const {
    return impl_->config.previewDomain;
}

std::optional<PreviewHost> PortService::previewHost(std::string_view host) const {
    if (auto named = parsePreviewHost(host, impl_->config.previewDomain, impl_->publicPort()))
        return named;
    return parsePreviewHost(host, "localhost", impl_->daemonPort.load());
}

std::string PortService::uiOrigin() const {
    return originOf(impl_->config.previewScheme, impl_->config.previewDomain, impl_->publicPort());
}

void PortService::sessionRunning(const core::Session& session) {
    if (!session.processId) return;
    if (session.readyAt) {
        std::lock_guard lock(impl_->mutex);
        impl_->ready.insert(session.id);
    }
    impl_->tracker->add(session.id, session.workspaceId, *session.processId,
                        store::declaredPorts(impl_->db, session.id));
}

void PortService::processEnded(const std::string& sessionId) {
    impl_->tracker->remove(sessionId);
    std::lock_guard lock(impl_->mutex);
    impl_->ready.erase(sessionId);
    std::erase_if(impl_->probes, [&](const Impl::Probe& p) { return p.sessionId == sessionId; });
}

void PortService::outputLine(const std::string& sessionId, const std::string& workspaceId,
                             std::string_view line) {
    auto urls = findOutputUrls(line);
    if (!urls.empty()) impl_->tracker->scanSoon();  // a hint: the socket is attributed by a scan
    if (!impl_->isReady(sessionId) && isReadyLine(line)) {
        std::optional<std::uint16_t> port;
        if (!urls.empty()) port = urls.front().port;
        impl_->markReady(sessionId, workspaceId, "output", port);
    }
}

std::map<std::string, std::string> PortService::workspaceEnvironment(
    const std::string& workspaceId) {
    std::optional<PortBlock> block;
    {
        std::lock_guard lock(impl_->mutex);
        if (auto* known = impl_->blocks.find(workspaceId)) block = *known;
    }
    if (!block) {
        // A fresh dump: the tracker's last one may predate this daemon's first session.
        std::set<std::uint16_t> listening;
        try {
            for (const auto& socket : listeningSockets().sockets) listening.insert(socket.port);
        } catch (const std::exception& e) {
            spdlog::warn("cannot list listening sockets: {}", e.what());
        }
        try {
            std::lock_guard lock(impl_->mutex);
            block = impl_->blocks.assign(workspaceId, listening);
            store::savePortBlock(impl_->db, workspaceId, {block->first, block->size});
        } catch (const std::exception& e) {
            std::lock_guard lock(impl_->mutex);
            impl_->blocks.release(workspaceId);
            spdlog::warn("workspace {} gets no port block: {}", workspaceId, e.what());
            return {};
        }
    }
    std::map<std::string, std::string> env;
    for (auto& [k, v] : portBlockEnvironment(*block)) env[k] = v;
    return env;
}

void PortService::workspaceRemoved(const std::string& workspaceId) {
    std::lock_guard lock(impl_->mutex);
    impl_->blocks.release(workspaceId);
}

std::optional<PortBlock> PortService::workspaceBlock(const std::string& workspaceId) const {
    std::lock_guard lock(impl_->mutex);
    if (auto* block = impl_->blocks.find(workspaceId)) return *block;
    return std::nullopt;
}

std::optional<json::array> PortService::sessionPorts(const std::string& sessionId) const {
    if (auto tracked = impl_->tracker->session(sessionId)) return impl_->portsJson(*tracked);
    auto session = store::findSession(impl_->db, sessionId);
    if (!session) return std::nullopt;
    json::array out;
    for (auto port : store::declaredPorts(impl_->db, sessionId))
        out.push_back(impl_->declaredJson(session->id, session->workspaceId, port));
    return out;
}

json::array PortService::allPorts() const {
    json::array out;
    for (const auto& s : impl_->tracker->sessions())
        for (auto& p : impl_->portsJson(s)) out.push_back(std::move(p));
    return out;
}

std::string PortService::previewUrl(std::uint16_t port, const std::string& workspaceId) const {
    return impl_->url(port, workspaceId);
}

TrackerStats PortService::trackerStats() const {
    return impl_->tracker->stats();
}

namespace {

/// Every session the workspace has had, of every kind, newest first.
std::vector<core::Session> workspaceSessions(store::Database& db, const std::string& workspaceId) {
    std::vector<core::Session> out;
    for (auto kind : {core::SessionKind::Command, core::SessionKind::Agent,
                      core::SessionKind::Setup, core::SessionKind::Terminal})
        for (auto& s : store::listSessionsByWorkspace(db, workspaceId, kind))
            out.push_back(std::move(s));
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return a.startedAt.value_or(0) > b.startedAt.value_or(0);
    });
    return out;
}

bool declares(const std::vector<std::uint16_t>& declared, std::uint16_t port) {
    return std::find(declared.begin(), declared.end(), port) != declared.end();
}

}  // namespace

std::optional<std::string> PortService::workspaceWithKey(std::string_view key,
                                                         std::string& problem) const {
    std::optional<std::string> found;
    for (const auto& w : store::listWorkspaces(impl_->db))
        if (workspaceKey(w.id) == key) {
            if (found) {
                problem = "workspace key " + std::string(key) + " is ambiguous";
                return std::nullopt;
            }
            found = w.id;
        }
    return found;
}

/// Which session a preview belongs to, most specific first: the running session that listens on
/// the port; the running session that declared it; the newest session that declared it, when
/// that one has ended (its page says so, with its exit code); then the workspace's block: a
/// running session, else the newest one that ended. The loading page streams that session.
PreviewTarget PortService::resolvePreview(std::uint16_t port, std::string_view key) const {
    PreviewTarget target;
    target.port = port;
    if (port == impl_->daemonPort.load()) {
        target.reason = "port " + std::to_string(port) + " is parawork's own port";
        return target;
    }
    std::vector<TrackedSession> running;
    for (auto& s : impl_->tracker->sessions())
        if (workspaceKey(s.workspaceId) == key) running.push_back(std::move(s));
    for (const auto& s : running)
        if (s.workspaceId != running.front().workspaceId) {
            target.reason = "workspace key " + std::string(key) + " is ambiguous";
            return target;
        }
    auto lead = [&](PreviewTarget::Kind kind, const std::string& sessionId,
                    const std::string& workspaceId) {
        target.kind = kind;
        target.sessionId = sessionId;
        target.workspaceId = workspaceId;
        return target;
    };
    for (const auto& s : running)
        for (const auto& p : s.ports)
            if (p.port == port) {
                target.address = p.connectAddress();
                return lead(PreviewTarget::Kind::Proxy, s.id, s.workspaceId);
            }
    for (const auto& s : running)
        if (declares(s.declared, port))
            return lead(PreviewTarget::Kind::Waiting, s.id, s.workspaceId);
    auto workspaceId = running.empty() ? workspaceWithKey(key, target.reason)
                                       : std::optional(running.front().workspaceId);
    if (!target.reason.empty()) return target;
    if (workspaceId) {
        auto recorded = workspaceSessions(impl_->db, *workspaceId);
        for (const auto& s : recorded)
            if (declares(store::declaredPorts(impl_->db, s.id), port)) {
                if (core::isFinished(s.status))
                    return lead(PreviewTarget::Kind::Ended, s.id, *workspaceId);
                break;  // running, not tracked yet: the block below may still name it
            }
        auto block = workspaceBlock(*workspaceId);
        if (block && block->contains(port)) {
            if (!running.empty())
                return lead(PreviewTarget::Kind::Waiting, running.front().id, *workspaceId);
            for (const auto& s : recorded)
                if (s.kind != core::SessionKind::Terminal && core::isFinished(s.status))
                    return lead(PreviewTarget::Kind::Ended, s.id, *workspaceId);
        }
    }
    target.reason =
        "no session of workspace " + std::string(key) + " listens on port " + std::to_string(port);
    return target;
}

}  // namespace parawork::ports
