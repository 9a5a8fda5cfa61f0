#include "review/github_cli.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include <boost/json/parse.hpp>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/executables.hpp"
#include "git/git_command.hpp"

namespace parawork::review {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxGhOutput = std::size_t{1} << 20;

std::string text(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<std::string> nonEmpty(std::string value) {
    if (value.empty()) return std::nullopt;
    return value;
}

/// One entry of statusCheckRollup: a CheckRun (status, conclusion) or a StatusContext (state).
void countCheck(const json::object& check, PullRequestChecks& checks) {
    std::string state = text(check, "state");
    if (state.empty()) {
        if (text(check, "status") != "COMPLETED") {
            ++checks.pending;
            return;
        }
        state = text(check, "conclusion");
    }
    if (state == "SUCCESS" || state == "NEUTRAL" || state == "SKIPPED")
        ++checks.passing;
    else if (state == "PENDING" || state == "EXPECTED" || state.empty())
        ++checks.pending;
    else
        ++checks.failing;
}

std::string stateOf(const json::object& o) {
    std::string state = text(o, "state");
    const json::value* draft = o.if_contains("isDraft");
    bool isDraft = draft != nullptr && draft->is_bool() && draft->get_bool();
    if (state == "OPEN") return isDraft ? "draft" : "open";
    if (state == "MERGED") return "merged";
    if (state == "CLOSED") return "closed";
    return "";
}

/// gh's stderr fit for a sentence, or its exit status.
std::string ghMessage(const git::GitResult& result) {
    std::string message = git::gitMessage(result);
    return message.empty() ? "gh exited with status " + std::to_string(result.exitCode) : message;
}

/// A private file holding the body, removed when it goes (gh reads it by name).
class BodyFile {
  public:
    explicit BodyFile(const std::string& body) {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "parawork-pr-XXXXXX").string();
        int fd = ::mkstemp(pattern.data());  // mode 0600
        if (fd < 0) core::throwErrno("cannot create a file for the pull request's body");
        ::close(fd);
        path_ = pattern;
        std::ofstream out(path_, std::ios::binary | std::ios::trunc);
        out << body;
        if (!out.flush()) throw core::Error("cannot write the pull request's body");
    }
    ~BodyFile() {
        std::error_code ec;
        std::filesystem::remove(path_, ec);
    }
    BodyFile(const BodyFile&) = delete;
    BodyFile& operator=(const BodyFile&) = delete;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

}  // namespace

GithubCli::GithubCli(GithubCliOptions options) : options_(std::move(options)) {
    if (options_.pathVariable.empty()) {
        const char* path = std::getenv("PATH");
        options_.pathVariable = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
    }
}

std::optional<std::filesystem::path> GithubCli::program() const {
    return core::findExecutable("gh", options_.pathVariable, std::filesystem::path("/"));
}

namespace {

git::GitResult runGh(const std::filesystem::path& gh, std::vector<std::string> args,
                     const std::filesystem::path& dir, std::chrono::milliseconds timeout) {
    return git::runGit({.args = std::move(args),
                        .processDirectory = dir,
                        .env = {{"GH_PROMPT_DISABLED", "1"},
                                {"NO_COLOR", "1"},
                                {"GH_NO_UPDATE_NOTIFIER", "1"},
                                {"GH_SPINNER_DISABLED", "1"}},
                        .timeout = timeout,
                        .outputLimit = kMaxGhOutput,
                        .gitBinary = gh.string()});
}

}  // namespace

GhStatus GithubCli::status() const {
    auto gh = program();
    if (!gh) return {};
    git::GitResult result = runGh(*gh, {"auth", "status"}, "/", options_.timeout);
    return {.installed = true, .loggedIn = result.ok()};
}

std::string GithubCli::create(const std::filesystem::path& worktree,
                              const PullRequestDraft& draft) const {
    auto gh = program();
    if (!gh) throw core::Error("gh is not installed");
    BodyFile body(draft.body);
    // "--flag=value": a value starting with '-' can never be read as an option.
    std::vector<std::string> args{"pr",
                                  "create",
                                  "--base=" + draft.base,
                                  "--head=" + draft.head,
                                  "--title=" + draft.title,
                                  "--body-file=" + body.path().string()};
    if (draft.draft) args.emplace_back("--draft");
    git::GitResult result = runGh(*gh, std::move(args), worktree, options_.timeout);
    if (!result.ok()) throw core::Error("gh pr create failed: " + ghMessage(result));
    // gh prints the new pull request's URL as its last line.
    std::string out = result.out;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);
}

std::optional<PullRequest> GithubCli::view(const std::filesystem::path& worktree,
                                           const std::string& branch) const {
    auto gh = program();
    if (!gh) throw core::Error("gh is not installed");
    git::GitResult result =
        runGh(*gh, {"pr", "view", "--json", std::string(kPullRequestViewFields), "--", branch},
              worktree, options_.timeout);
    if (!result.ok()) {
        if (result.err.find("no pull requests found") != std::string::npos) return std::nullopt;
        throw core::Error("gh pr view failed: " + ghMessage(result));
    }
    auto pr = parsePullRequestView(result.out, core::nowMs());
    if (!pr) throw core::Error("gh pr view answered something else than a pull request");
    return pr;
}

std::optional<PullRequest> parsePullRequestView(std::string_view answer, std::int64_t now) {
    boost::system::error_code ec;
    json::value value = json::parse(answer, ec);
    if (ec || !value.is_object()) return std::nullopt;
    const json::object& o = value.get_object();
    const json::value* number = o.if_contains("number");
    PullRequest pr;
    pr.state = stateOf(o);
    pr.url = text(o, "url");
    if (number == nullptr || !number->is_int64() || pr.state.empty() || pr.url.empty())
        return std::nullopt;
    pr.number = number->get_int64();
    pr.title = text(o, "title");
    pr.reviewDecision = nonEmpty(text(o, "reviewDecision"));
    pr.mergeable = nonEmpty(text(o, "mergeable"));
    if (const json::value* rollup = o.if_contains("statusCheckRollup");
        rollup && rollup->is_array())
        for (const json::value& check : rollup->get_array())
            if (check.is_object()) countCheck(check.get_object(), pr.checks);
    pr.refreshedAt = now;
    return pr;
}

}  // namespace parawork::review
