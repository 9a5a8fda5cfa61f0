#include "api/branch_routes.hpp"

#include <boost/json.hpp>

#include "api/body_fields.hpp"
#include "api/entity_json.hpp"
#include "api/service_answer.hpp"
#include "review/branch_json.hpp"
#include "review/checkpoint_service.hpp"
#include "review/merge_conflict.hpp"

namespace parawork::api {
namespace {

namespace json = boost::json;

using review::nullable;
using review::stringArray;

bool queryFlag(const Request& req, std::string_view name) {
    auto value = req.queryParam(name);
    return value && (*value == "1" || *value == "true");
}

Response sync(Request& req, review::BranchService& branches) {
    auto method = git::SyncMethod::Rebase;
    if (auto text = optionalString(req.json, "method")) {
        auto parsed = git::parseSyncMethod(*text);
        if (!parsed) throw BadRequest("method: expected \"rebase\" or \"merge\"");
        method = *parsed;
    }
    bool fetch = optionalBool(req.json, "fetch").value_or(true);
    review::SyncAnswer a = branches.sync(req.params["id"], method, fetch);
    return ok(json::object{
        {"result", git::toString(a.outcome.result)},
        {"method", git::toString(a.method)},
        {"head", nullable(a.outcome.head)},
        {"conflictedFiles", stringArray(a.outcome.conflictedFiles)},
        {"checkpoint", a.checkpoint ? review::toJson(*a.checkpoint) : json::value(nullptr)}});
}

std::optional<git::MergeMode> modeOf(std::optional<std::string> text) {
    if (!text) return std::nullopt;
    auto mode = git::parseMergeMode(*text);
    if (!mode) throw BadRequest("mode: expected \"ff\", \"merge\" or \"squash\"");
    return mode;
}

Response mergeCheck(Request& req, review::BranchService& branches) {
    if (auto mode = req.queryParam("mode")) modeOf(std::string(*mode));  // validated only
    review::MergeCheckAnswer a = branches.checkMerge(req.params["id"]);
    return ok(json::object{{"clean", a.check.clean},
                           {"fastForward", a.check.fastForward},
                           {"conflictedFiles", stringArray(a.check.conflictedFiles)},
                           {"base", a.base},
                           {"baseCommit", a.check.baseCommit},
                           {"head", a.check.head}});
}

Response merge(Request& req, review::BranchService& branches) {
    review::MergeOptions options{
        modeOf(optionalString(req.json, "mode")),
        optionalString(req.json, "message", 0, git::kMaxMergeMessageBytes).value_or(""),
        optionalBool(req.json, "archive").value_or(false)};
    try {
        return ok(review::toJson(branches.merge(req.params["id"], options)));
    } catch (const review::MergeConflict& e) {
        Response res = fail(e.status, e.what());
        res.body =
            json::serialize(json::object{{"success", false},
                                         {"error", e.what()},
                                         {"conflictedFiles", stringArray(e.conflictedFiles)}});
        return res;
    }
}

}  // namespace

void addBranchRoutes(Router& router, review::BranchService& branches) {
    router.add("GET", "/api/workspaces/:id/branch", [&branches](Request& req) {
        return answering([&] {
            return ok(review::toJson(branches.status(req.params["id"], queryFlag(req, "fetch"))));
        });
    });
    router.add("POST", "/api/workspaces/:id/sync", [&branches](Request& req) {
        return answering([&] { return sync(req, branches); });
    });
    router.add("POST", "/api/workspaces/:id/sync/abort", [&branches](Request& req) {
        return answering([&] {
            std::string head = branches.abortSync(req.params["id"]);
            return ok(json::object{{"aborted", true}, {"head", nullable(head)}});
        });
    });
    router.add("POST", "/api/workspaces/:id/sync/ask-agent", [&branches](Request& req) {
        return answering([&] {
            return ok(json::object{{"sessionId", branches.askAgentToResolve(req.params["id"])}});
        });
    });
    router.add("GET", "/api/workspaces/:id/merge/check", [&branches](Request& req) {
        return answering([&] { return mergeCheck(req, branches); });
    });
    router.add("POST", "/api/workspaces/:id/merge", [&branches](Request& req) {
        return answering([&] { return merge(req, branches); });
    });
    router.add("POST", "/api/workspaces/:id/archive", [&branches](Request& req) {
        return answering([&] {
            auto deleteBranch = optionalBool(req.json, "deleteBranch");
            return ok(toJson(branches.archive(req.params["id"], deleteBranch)));
        });
    });
    router.add("POST", "/api/workspaces/:id/unarchive", [&branches](Request& req) {
        return answering([&] { return ok(toJson(branches.unarchive(req.params["id"]))); });
    });
}

}  // namespace parawork::api
