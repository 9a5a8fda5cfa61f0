#include "review/pull_request_service.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <boost/json/serialize.hpp>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "git/push.hpp"
#include "store/pull_requests.hpp"
#include "store/workspaces.hpp"
#include "workspace/workspace_lookup.hpp"

namespace parawork::review {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kDefaultRemote = "origin";

bool hasControlCharacters(std::string_view text, bool newlinesAllowed) {
    return std::any_of(text.begin(), text.end(), [&](unsigned char c) {
        if (newlinesAllowed && (c == '\n' || c == '\t' || c == '\r')) return false;
        return c < 0x20 || c == 0x7f;
    });
}

void checkRequest(const PullRequestRequest& request) {
    if (request.title) {
        if (request.title->empty() || request.title->size() > kMaxPullRequestTitle)
            throw core::ServiceError(400, "title: expected 1 to 256 characters");
        if (hasControlCharacters(*request.title, false))
            throw core::ServiceError(400, "title: control characters are not allowed");
    }
    if (request.body && request.body->size() > kMaxPullRequestBody)
        throw core::ServiceError(400, "body: at most 64 KiB");
    if (request.body && hasControlCharacters(*request.body, true))
        throw core::ServiceError(400, "body: control characters are not allowed");
}

/// The base branch as the remote names it: "origin/main" → "main".
std::string remoteBase(const core::Workspace& ws, const std::string& remote) {
    std::string base = ws.gitWorktree->baseBranch.value_or("main");
    for (std::string prefix :
         {"refs/remotes/" + remote + "/", remote + "/", std::string("refs/heads/")})
        if (base.starts_with(prefix)) return base.substr(prefix.size());
    return base;
}

json::value orNull(const std::optional<std::string>& text) {
    return text ? json::value(*text) : json::value(nullptr);
}

json::value storedPullRequest(const core::Workspace& ws) {
    if (!ws.pullRequestJson) return nullptr;
    auto pr = pullRequestFromJson(*ws.pullRequestJson);
    return pr ? json::value(toJson(*pr)) : json::value(nullptr);
}

}  // namespace

PullRequestService::PullRequestService(PullRequestServiceConfig config)
    : config_(std::move(config)), gh_(config_.gh) {
    for (const auto& [workspaceId, text] : store::listWorkspacePullRequests(config_.db)) {
        auto pr = pullRequestFromJson(text);
        if (pr && pr->live()) followed_[workspaceId] = {Clock::now(), config_.firstRefresh};
    }
    refresher_ = std::thread([this] { refreshLoop(); });
}

PullRequestService::~PullRequestService() {
    stop();
}

void PullRequestService::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (refresher_.joinable()) refresher_.join();
}

core::Workspace PullRequestService::branchWorkspace(const std::string& workspaceId) {
    return workspace::requireWorkspace(config_.db, workspaceId,
                                       {.ownBranch = true, .directory = true});
}

std::optional<std::string> PullRequestService::compareUrlOf(const core::Workspace& ws,
                                                            const std::string& remote) {
    auto url = git::remoteUrl(ws.path, remote);
    if (!url) return std::nullopt;
    return git::compareUrl(*url, remoteBase(ws, remote), ws.gitWorktree->branchName);
}

json::object PullRequestService::push(const std::string& workspaceId, const std::string& remote) {
    core::Workspace ws = branchWorkspace(workspaceId);
    auto remotes = git::listRemotes(ws.path);
    if (std::find(remotes.begin(), remotes.end(), remote) == remotes.end())
        throw core::ServiceError(400, "No remote named \"" + remote + "\"" +
                                          (remotes.empty() ? " (the repository has none)" : ""));
    const std::string& branch = ws.gitWorktree->branchName;
    git::PushResult result;
    try {
        result = git::pushBranch(ws.path, remote, branch);
    } catch (const core::Error& e) {
        throw core::ServiceError(502, std::string("Push failed: ") + e.what());
    }
    using Outcome = git::PushResult::Outcome;
    if (result.outcome == Outcome::rejected)
        throw core::ServiceError(409, "rejected: " + remote + "'s " + branch +
                                          " has commits this branch lacks (" + result.message +
                                          "); sync first, it is never force-pushed");
    if (result.outcome == Outcome::failed)
        throw core::ServiceError(502, "Push failed: " + result.message);
    return json::object{{"pushed", true},
                        {"remote", remote},
                        {"branch", branch},
                        {"remoteRef", result.remoteRef},
                        {"compareUrl", orNull(compareUrlOf(ws, remote))}};
}

Answer PullRequestService::askAgent(const core::Workspace& ws) {
    if (!config_.tellAgent) throw core::ServiceError(409, "No agent to ask in this workspace");
    std::string text = "Please open a pull request for this branch (" + ws.gitWorktree->branchName +
                       ", already " + "pushed) into " + remoteBase(ws, kDefaultRemote) +
                       ": write a short title and a " +
                       "description of the changes, then run: parawork pr " + ws.id +
                       " --title '<title>' --body '<description>'";
    std::string sessionId = config_.tellAgent(ws.id, text);
    return {202, json::object{{"asked", true}, {"sessionId", sessionId}}};
}

Answer PullRequestService::createPullRequest(const std::string& workspaceId,
                                             const PullRequestRequest& request) {
    checkRequest(request);
    push(workspaceId, kDefaultRemote);
    core::Workspace ws = branchWorkspace(workspaceId);
    if (request.askAgent) return askAgent(ws);
    json::value compare = orNull(compareUrlOf(ws, kDefaultRemote));
    GhStatus gh = gh_.status();
    if (!gh.installed || !gh.loggedIn) {
        std::string reason =
            !gh.installed ? "gh is not installed" : "gh is not logged in (run: gh auth login)";
        return {200, json::object{
                         {"pullRequest", nullptr}, {"compareUrl", compare}, {"reason", reason}}};
    }
    const std::string& branch = ws.gitWorktree->branchName;
    try {
        if (auto existing = gh_.view(ws.path, branch); existing && existing->live()) {
            record(ws.id, *existing);
            follow(ws.id);
            return {200, json::object{{"pullRequest", toJson(*existing)}, {"compareUrl", compare}}};
        }
        std::string base = ws.gitWorktree->baseBranch.value_or("HEAD");
        PullRequestDraft draft{.base = remoteBase(ws, kDefaultRemote),
                               .head = branch,
                               .title = request.title.value_or(
                                   git::firstCommitSubject(ws.path, base).value_or(branch)),
                               .body = request.body.value_or(""),
                               .draft = request.draft};
        std::string url = gh_.create(ws.path, draft);
        auto pr = gh_.view(ws.path, branch);
        if (!pr) throw core::Error("gh created " + url + " but cannot show it");
        record(ws.id, *pr);
        follow(ws.id);
        return {201, json::object{{"pullRequest", toJson(*pr)}, {"compareUrl", compare}}};
    } catch (const core::Error& e) {
        throw core::ServiceError(502, e.what());
    }
}

json::object PullRequestService::status(const std::string& workspaceId, bool refreshFirst) {
    core::Workspace ws = branchWorkspace(workspaceId);
    GhStatus gh = gh_.status();
    if (refreshFirst && gh.installed && gh.loggedIn) {
        if (refresh(workspaceId) == Refreshed::failed)
            throw core::ServiceError(502, "gh could not read the pull request");
        ws = branchWorkspace(workspaceId);
    }
    return json::object{
        {"pullRequest", storedPullRequest(ws)},
        {"compareUrl", orNull(compareUrlOf(ws, kDefaultRemote))},
        {"gh", json::object{{"installed", gh.installed}, {"loggedIn", gh.loggedIn}}}};
}

bool PullRequestService::record(const std::string& workspaceId, const PullRequest& pr) {
    auto ws = store::findWorkspace(config_.db, workspaceId);
    if (!ws) return false;
    std::optional<PullRequest> before;
    if (ws->pullRequestJson) before = pullRequestFromJson(*ws->pullRequestJson);
    json::object value = toJson(pr);
    store::setWorkspacePullRequest(config_.db, workspaceId, json::serialize(value));
    if (before && before->sameAs(pr)) return false;
    if (config_.publish) {
        json::object event{
            {"type", "pull_request_changed"},
            {"data", json::object{{"workspaceId", workspaceId}, {"pullRequest", value}}}};
        config_.publish(workspaceId, json::serialize(event));
    }
    return true;
}

PullRequestService::Refreshed PullRequestService::refresh(const std::string& workspaceId) {
    auto ws = store::findWorkspace(config_.db, workspaceId);
    if (!ws || !ws->gitWorktree) return Refreshed::ended;
    std::optional<PullRequest> pr;
    try {
        pr = gh_.view(ws->path, ws->gitWorktree->branchName);
    } catch (const core::Error& e) {
        spdlog::debug("pull request of workspace {}: {}", workspaceId, e.what());
        return Refreshed::failed;
    }
    if (!pr) return ws->pullRequestJson ? Refreshed::same : Refreshed::ended;
    bool changed = record(workspaceId, *pr);
    if (!pr->live()) return Refreshed::ended;
    if (changed) follow(workspaceId);
    return changed ? Refreshed::changed : Refreshed::same;
}

void PullRequestService::follow(const std::string& workspaceId) {
    {
        std::lock_guard lock(mutex_);
        followed_[workspaceId] = {Clock::now() + config_.firstRefresh, config_.firstRefresh};
    }
    wake_.notify_all();
}

void PullRequestService::refreshLoop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        if (followed_.empty()) {
            wake_.wait(lock, [this] { return stopping_ || !followed_.empty(); });
            continue;
        }
        auto next = std::min_element(followed_.begin(), followed_.end(), [](auto& a, auto& b) {
                        return a.second.due < b.second.due;
                    })->second.due;
        if (Clock::now() < next) {
            // Woken early by follow() or stop(): look again.
            wake_.wait_until(lock, next);
            continue;
        }
        lock.unlock();
        refreshDue();
        lock.lock();
    }
}

void PullRequestService::refreshDue() {
    std::vector<std::string> due;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [id, followed] : followed_)
            if (followed.due <= Clock::now()) due.push_back(id);
    }
    for (const std::string& id : due) {
        Refreshed outcome = refresh(id);
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        auto it = followed_.find(id);
        if (it == followed_.end()) continue;
        if (outcome == Refreshed::ended) {
            followed_.erase(it);
        } else if (outcome != Refreshed::changed) {  // changed: follow() set the first wait
            it->second.wait = std::min(it->second.wait * 2, config_.longestRefresh);
            it->second.due = Clock::now() + it->second.wait;
        }
    }
}

}  // namespace parawork::review
