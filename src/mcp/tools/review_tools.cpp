// review_comment_add, review_comments, checkpoint_create, commit, branch_status, merge: the
// review services' add, list, create, commit, status and merge.
#include "git/commit.hpp"
#include "git/merge_back.hpp"
#include "mcp/tools/tool_support.hpp"
#include "review/branch_json.hpp"
#include "review/comment_json.hpp"
#include "review/comment_quote.hpp"
#include "review/comment_service.hpp"
#include "review/merge_conflict.hpp"

namespace parawork::mcp::tools {
namespace {

namespace json = boost::json;

Shape commentFields() {
    return {required("id", text("Its id")), required("path", text("The file")),
            required("line", integer("Its first line")), required("body", text("What it says")),
            required("resolved", boolean("Resolved"))};
}

ToolDeclaration commentAddTool(const Services& s) {
    return {
        .name = "review_comment_add",
        .title = "Add a review comment",
        .description = "A comment on lines of a file of the workspace's diff.",
        .input = {workspaceIdArg(),
                  required("path", text("The file").lengthBetween(1, review::kMaxCommentPathBytes)),
                  required("line", integer("First line").between(1, review::kMaxCommentLine)),
                  optional("endLine", integer("Last line").between(1, review::kMaxCommentLine)),
                  optional("side", text("The diff's side").oneOf({"new", "old"})),
                  required("body",
                           text("What to say").lengthBetween(1, review::kMaxCommentBodyBytes))},
        .output = Shape{required("comment",
                                 object("As the REST API shows it", commentFields()).openEnded())},
        .hints = {},
        .handler = [s](const json::object& args, const CallContext& context) {
            auto id = textArg(args, "workspaceId");
            Reach(*s).workspace(context, id);
            review::NewComment comment;
            comment.path = textArg(args, "path");
            comment.line = *optionalInteger(args, "line");
            comment.endLine = optionalInteger(args, "endLine");
            if (optionalText(args, "side") == "old") comment.side = store::CommentSide::Old;
            comment.body = textArg(args, "body");
            return ToolResult::ok({{"comment", review::toJson(s->comments.add(id, comment))}});
        }};
}

ToolDeclaration commentsTool(const Services& s) {
    return {.name = "review_comments",
            .title = "Review comments",
            .description = "The workspace's review comments: open, resolved or all (default).",
            .input = {workspaceIdArg(),
                      optional("state", text("Which").oneOf({"open", "resolved", "all"}))},
            .output = Shape{required(
                "comments", objectList("As the REST API shows them", commentFields()).openEnded())},
            .hints = {.readOnly = true, .idempotent = true},
            .handler = [s](const json::object& args, const CallContext& context) {
                auto id = textArg(args, "workspaceId");
                Reach(*s).workspace(context, id);
                auto state = optionalText(args, "state").value_or("all");
                auto filter = state == "open"       ? store::CommentFilter::Open
                              : state == "resolved" ? store::CommentFilter::Resolved
                                                    : store::CommentFilter::All;
                json::array out;
                for (const auto& c : s->comments.list(id, filter)) out.push_back(review::toJson(c));
                return ToolResult::ok({{"comments", std::move(out)}});
            }};
}

ToolDeclaration checkpointTool(const Services& s) {
    return {
        .name = "checkpoint_create",
        .title = "Take a checkpoint",
        .description =
            "Saves the workspace's working tree as a checkpoint (the newest one "
            "again when nothing changed).",
        .input = {workspaceIdArg(), optional("label", text("A label").maxChars(1024))},
        .output = Shape{required("checkpoint", object("As the REST API shows it", {}).openEnded()),
                        required("created", boolean("False: nothing changed"))},
        .hints = {},
        .handler = [s](const json::object& args, const CallContext& context) {
            auto id = textArg(args, "workspaceId");
            Reach(*s).workspace(context, id);
            auto made = s->checkpoints.create(id, optionalText(args, "label"));
            return ToolResult::ok(
                {{"checkpoint", review::toJson(made.checkpoint)}, {"created", made.created}});
        }};
}

ToolDeclaration commitTool(const Services& s) {
    return {.name = "commit",
            .title = "Commit",
            .description =
                "Commits every change of the workspace with the message, or asks its "
                "agent to commit (askAgent).",
            .input = {workspaceIdArg(),
                      optional("message",
                               text("The commit message").maxChars(git::kMaxCommitMessageBytes)),
                      optional("askAgent", boolean("Ask the workspace's agent to commit"))},
            .output = Shape{required("asked", boolean("The agent was asked")),
                            optional("sessionId", text("The agent asked")),
                            optional("commit", text("The new commit")),
                            optional("message", text("Its message")),
                            optional("files", integer("Files committed"))},
            .hints = {},
            .handler = [s](const json::object& args, const CallContext& context) {
                auto id = textArg(args, "workspaceId");
                Reach(*s).workspace(context, id);
                review::CommitRequest request{optionalText(args, "message"),
                                              optionalBool(args, "askAgent").value_or(false)};
                auto outcome = s->checkpoints.commit(id, request);
                if (outcome.asked)
                    return ToolResult::ok({{"asked", true}, {"sessionId", outcome.sessionId}});
                return ToolResult::ok({{"asked", false},
                                       {"commit", outcome.commit},
                                       {"message", outcome.message},
                                       {"files", outcome.files}});
            }};
}

ToolDeclaration branchTool(const Services& s) {
    return {
        .name = "branch_status",
        .title = "Branch status",
        .description =
            "Where the workspace's branch stands against its base: ahead, "
            "behind, uncommitted files, a sync in progress.",
        .input = {workspaceIdArg(), optional("fetch", boolean("Fetch the base first"))},
        .output = Shape{required("status", object("As GET /api/workspaces/:id/branch shows it",
                                                  {required("branch", text("The branch")),
                                                   required("ahead", integer("Commits ahead")),
                                                   required("behind", integer("Commits behind"))})
                                               .openEnded())},
        .hints = {.readOnly = true},
        .handler = [s](const json::object& args, const CallContext& context) {
            auto id = textArg(args, "workspaceId");
            Reach(*s).workspace(context, id);
            auto status = s->branches.status(id, optionalBool(args, "fetch").value_or(false));
            return ToolResult::ok({{"status", review::toJson(status)}});
        }};
}

ToolDeclaration mergeTool(const Services& s) {
    return {
        .name = "merge",
        .title = "Merge back",
        .description =
            "Merges the workspace's branch into its base (ff, merge or squash); "
            "conflicts are refused with the files named.",
        .input = {workspaceIdArg(), optional("mode", text("How").oneOf({"ff", "merge", "squash"})),
                  optional("message",
                           text("The merge message").maxChars(git::kMaxMergeMessageBytes)),
                  optional("archive", boolean("Archive the workspace after"))},
        .output =
            Shape{required("merged", boolean("Always true")), required("mode", text("How")),
                  required("base", text("Into")), required("baseCommit", text("Its new commit")),
                  required("previousBaseCommit", text("Its commit before"))},
        .hints = {.destructive = true},
        .handler = [s](const json::object& args, const CallContext& context) {
            auto id = textArg(args, "workspaceId");
            Reach(*s).workspace(context, id);
            review::MergeOptions options;
            if (auto mode = optionalText(args, "mode")) options.mode = git::parseMergeMode(*mode);
            options.message = optionalText(args, "message").value_or("");
            options.archive = optionalBool(args, "archive").value_or(false);
            try {
                return ToolResult::ok(review::toJson(s->branches.merge(id, options)));
            } catch (const review::MergeConflict& conflict) {
                // The model reads the text: it names the files, as the route's JSON does.
                std::string files;
                for (const auto& file : conflict.conflictedFiles)
                    files += (files.empty() ? "" : ", ") + file;
                return ToolResult::error(std::string(conflict.what()) +
                                         (files.empty() ? "" : ". Conflicted files: " + files));
            }
        }};
}

}  // namespace

void addReviewTools(McpServer& server, const Services& s) {
    server.addTool(commentAddTool(s));
    server.addTool(commentsTool(s));
    server.addTool(checkpointTool(s));
    server.addTool(commitTool(s));
    server.addTool(branchTool(s));
    server.addTool(mergeTool(s));
}

}  // namespace parawork::mcp::tools
