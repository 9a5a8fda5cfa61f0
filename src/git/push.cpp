#include "git/push.hpp"

#include <algorithm>

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "core/error.hpp"
#include "git/git_command.hpp"
#include "git/git_lists.hpp"
#include "git/ref_names.hpp"

namespace parawork::git {
namespace {

constexpr auto kPushTimeout = std::chrono::minutes(5);
constexpr std::size_t kMaxRemotes = 256;

std::vector<std::string> lines(std::string_view text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!line.empty()) out.emplace_back(line);
        start = end + 1;
    }
    return out;
}

/// The reason in a porcelain summary such as "[rejected] (non-fast-forward)".
std::string reasonOf(std::string_view summary) {
    auto open = summary.find('(');
    auto close = summary.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open)
        return std::string(summary);
    return std::string(summary.substr(open + 1, close - open - 1));
}

}  // namespace

std::vector<std::string> listRemotes(const std::filesystem::path& worktree) {
    GitResult result = runGitChecked({.args = {"remote"}, .cwd = worktree}, "cannot list remotes");
    std::vector<std::string> remotes = lines(result.out);
    if (remotes.size() > kMaxRemotes) remotes.resize(kMaxRemotes);
    return remotes;
}

std::optional<std::string> remoteUrl(const std::filesystem::path& worktree,
                                     const std::string& remote) {
    GitResult result =
        runGit({.args = {"config", "--get", "remote." + remote + ".url"}, .cwd = worktree});
    std::vector<std::string> values = lines(result.out);
    if (!result.ok() || values.empty()) return std::nullopt;
    return values.front();
}

PushResult parsePushPorcelain(std::string_view out, const std::string& remoteRef) {
    // Each ref's line is "<flag>\t<from>:<to>\t<summary>" (git-push(1), OUTPUT, --porcelain).
    for (const std::string& line : lines(out)) {
        if (line.size() < 3 || line[1] != '\t') continue;
        auto secondTab = line.find('\t', 2);
        if (secondTab == std::string::npos) continue;
        std::string_view refs = std::string_view(line).substr(2, secondTab - 2);
        auto colon = refs.find(':');
        if (colon == std::string_view::npos || refs.substr(colon + 1) != remoteRef) continue;
        std::string_view summary = std::string_view(line).substr(secondTab + 1);
        PushResult result{.remoteRef = remoteRef};
        switch (line[0]) {
            case ' ':
            case '*':
                result.outcome = PushResult::Outcome::pushed;
                break;
            case '=':
                result.outcome = PushResult::Outcome::upToDate;
                break;
            case '!': {
                result.message = reasonOf(summary);
                bool behind =
                    summary.starts_with("[rejected]") &&
                    (result.message == "non-fast-forward" || result.message == "fetch first");
                result.outcome =
                    behind ? PushResult::Outcome::rejected : PushResult::Outcome::failed;
                break;
            }
            default:  // '+' (forced) or '-' (deleted) never come from our refspec
                result.message = "unexpected push result: " + line;
                break;
        }
        return result;
    }
    return PushResult{.remoteRef = remoteRef};  // failed, with no reason of its own
}

PushResult pushBranch(const std::filesystem::path& worktree, const std::string& remote,
                      const std::string& branch) {
    validateBranchName(branch);
    std::vector<std::string> remotes = listRemotes(worktree);
    if (std::find(remotes.begin(), remotes.end(), remote) == remotes.end())
        throw core::Error("no remote named \"" + remote + "\"");
    std::string ref = "refs/heads/" + branch;
    GitCommand push{.args = {"push", "--porcelain", "--set-upstream", "--end-of-options", remote,
                             ref + ":" + ref},
                    .cwd = worktree,
                    // Credential managers that would open a window or ask on a terminal.
                    .env = {{"GCM_INTERACTIVE", "never"}},
                    .timeout = kPushTimeout};
    useBatchSsh(push, worktree);
    GitResult result = runGit(push);
    PushResult verdict = parsePushPorcelain(result.out, ref);
    if (verdict.outcome == PushResult::Outcome::failed && verdict.message.empty()) {
        verdict.message = gitMessage(result);
        if (verdict.message.empty())
            verdict.message = "git push exited with status " + std::to_string(result.exitCode);
    }
    return verdict;
}

std::optional<std::string> firstCommitSubject(const std::filesystem::path& worktree,
                                              const std::string& base) {
    // Oldest first; the bounded output keeps the oldest, which is the one wanted.
    GitResult log = runGit({.args = {"log", "--reverse", "--no-merges", "--format=%s",
                                     "--end-of-options", base + "..HEAD"},
                            .cwd = worktree,
                            .outputLimit = std::size_t{64} << 10});
    std::vector<std::string> subjects = lines(log.out);
    if (!log.ok() || subjects.empty()) return std::nullopt;
    return subjects.front();
}

namespace {

struct ForgeRepo {
    std::string host;  ///< lower case, without "www."
    std::string path;  ///< "owner/repo" (GitLab: "group/subgroup/repo"), without ".git"
};

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

/// Host and repository path of "git@host:o/r.git", "ssh://git@host:22/o/r" or
/// "https://user@host/o/r.git"; nullopt for other shapes.
std::optional<ForgeRepo> forgeRepo(std::string_view url) {
    std::string_view host;
    std::string_view path;
    if (auto scheme = url.find("://"); scheme != std::string_view::npos) {
        std::string name = lower(url.substr(0, scheme));
        if (name != "https" && name != "http" && name != "ssh" && name != "git+ssh")
            return std::nullopt;
        std::string_view rest = url.substr(scheme + 3);
        auto slash = rest.find('/');
        if (slash == std::string_view::npos) return std::nullopt;
        host = rest.substr(0, slash);
        path = rest.substr(slash + 1);
    } else {
        auto colon = url.find(':');  // scp-like: [user@]host:path, the colon before any slash
        if (colon == std::string_view::npos ||
            url.substr(0, colon).find('/') != std::string_view::npos)
            return std::nullopt;
        host = url.substr(0, colon);
        path = url.substr(colon + 1);
    }
    if (auto at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
    if (auto port = host.find(':'); port != std::string_view::npos) host = host.substr(0, port);
    while (path.starts_with('/')) path.remove_prefix(1);
    while (path.ends_with('/')) path.remove_suffix(1);
    if (path.ends_with(".git")) path.remove_suffix(4);
    ForgeRepo repo{lower(host), std::string(path)};
    if (repo.host.starts_with("www.")) repo.host.erase(0, 4);
    bool plainPath = repo.path.find('/') != std::string::npos &&
                     repo.path.find_first_of("?#\\ %") == std::string::npos &&
                     repo.path.find("..") == std::string::npos &&
                     repo.path.find("//") == std::string::npos &&
                     std::none_of(repo.path.begin(), repo.path.end(),
                                  [](unsigned char c) { return c < 0x20 || c == 0x7f; });
    if (!plainPath) return std::nullopt;
    return repo;
}

/// Percent-encoding for a URL path or query value; '/' stays as branch names use it.
std::string encode(std::string_view text) {
    return boost::urls::encode(text, boost::urls::unreserved_chars + '/');
}

}  // namespace

std::optional<std::string> compareUrl(std::string_view remoteUrl, std::string_view base,
                                      std::string_view branch) {
    std::optional<ForgeRepo> repo = forgeRepo(remoteUrl);
    if (!repo || base.empty() || branch.empty()) return std::nullopt;
    // GitHub and Bitbucket have owner/repo; GitLab nests groups.
    bool ownerAndName = std::count(repo->path.begin(), repo->path.end(), '/') == 1;
    if (repo->host == "github.com" && ownerAndName)
        return "https://github.com/" + repo->path + "/compare/" + encode(base) + "..." +
               encode(branch) + "?expand=1";
    if (repo->host == "gitlab.com")
        return "https://gitlab.com/" + repo->path + "/-/compare/" + encode(base) + "..." +
               encode(branch);
    if (repo->host == "bitbucket.org" && ownerAndName)
        return "https://bitbucket.org/" + repo->path +
               "/pull-requests/new?source=" + encode(branch) + "&dest=" + encode(base);
    return std::nullopt;
}

}  // namespace parawork::git
