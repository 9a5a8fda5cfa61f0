#include "api/checkpoint_routes.hpp"

#include <string>

#include "api/body_fields.hpp"
#include "api/service_answer.hpp"
#include "git/commit.hpp"

namespace parawork::api {
namespace {

namespace json = boost::json;

/// A checkpoint id in a query: 4 to 40 characters (hex is checked by the service's lookup).
std::optional<std::string> checkpointParam(const Request& req, const char* name) {
    auto text = req.queryParam(name);
    if (!text) return std::nullopt;
    if (text->empty() || text->size() > 40)
        throw BadRequest(std::string(name) + ": expected a checkpoint id");
    return std::string(*text);
}

Response listCheckpoints(Request& req, review::CheckpointService& checkpoints) {
    json::array out;
    for (const git::Checkpoint& c : checkpoints.list(req.params["id"]))
        out.push_back(review::toJson(c));
    return ok(std::move(out));
}

Response createCheckpoint(Request& req, review::CheckpointService& checkpoints) {
    auto label = optionalString(req.json, "label", 0, 1024);
    git::CreatedCheckpoint made = checkpoints.create(req.params["id"], label);
    return ok(
        json::object{{"checkpoint", review::toJson(made.checkpoint)}, {"created", made.created}},
        201);
}

Response diffCheckpoints(Request& req, review::CheckpointService& checkpoints) {
    auto from = checkpointParam(req, "from");
    if (!from) return fail(400, "from: a checkpoint id is required");
    std::optional<std::string> to;
    if (auto text = req.queryParam("to"); text && *text == "worktree")
        to = "worktree";
    else
        to = checkpointParam(req, "to");
    return ok(review::toJson(checkpoints.diff(req.params["id"], *from, to)));
}

Response restoreCheckpoint(Request& req, review::CheckpointService& checkpoints) {
    git::RestoredCheckpoint result =
        checkpoints.restore(req.params["id"], req.params["checkpointId"]);
    return ok(json::object{{"restored", review::toJson(result.restored)},
                           {"saved", review::toJson(result.saved)}});
}

Response commit(Request& req, review::CheckpointService& checkpoints) {
    review::CommitRequest request;
    request.message = optionalString(req.json, "message", 0, git::kMaxCommitMessageBytes);
    request.askAgent = optionalBool(req.json, "askAgent").value_or(false);
    review::CommitOutcome outcome = checkpoints.commit(req.params["id"], request);
    if (outcome.asked)
        return ok(json::object{{"asked", true}, {"sessionId", outcome.sessionId}}, 202);
    return ok(
        json::object{
            {"commit", outcome.commit}, {"message", outcome.message}, {"files", outcome.files}},
        201);
}

}  // namespace

void addCheckpointRoutes(Router& router, review::CheckpointService& checkpoints) {
    auto route = [&](const char* method, const char* pattern,
                     Response (*handler)(Request&, review::CheckpointService&)) {
        router.add(method, pattern, [&checkpoints, handler](Request& req) {
            return answering([&] { return handler(req, checkpoints); });
        });
    };
    route("GET", "/api/workspaces/:id/checkpoints", listCheckpoints);
    route("POST", "/api/workspaces/:id/checkpoints", createCheckpoint);
    route("GET", "/api/workspaces/:id/checkpoints/diff", diffCheckpoints);
    route("POST", "/api/workspaces/:id/checkpoints/:checkpointId/restore", restoreCheckpoint);
    route("POST", "/api/workspaces/:id/commit", commit);
}

}  // namespace parawork::api
