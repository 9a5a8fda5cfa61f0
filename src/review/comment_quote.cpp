#include "review/comment_quote.hpp"

#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/utf8_text.hpp"
#include "files/path_rules.hpp"
#include "git/git_command.hpp"
#include "git/ref_names.hpp"

namespace parawork::review {
namespace {

namespace fs = std::filesystem;
using core::ServiceError;

/// The base's copy of a file is read whole from git: past this a late line cannot be quoted.
constexpr std::size_t kMaxBaseFileBytes = std::size_t{16} * 1024 * 1024;

[[noreturn]] void refusePath(const std::string& why) {
    throw ServiceError(400, "path: " + why);
}

/// `text` cut to at most `limit` bytes without splitting a UTF-8 character.
void cutAtCharacter(std::string& text, std::size_t limit) {
    if (text.size() <= limit) return;
    std::size_t end = limit;
    // Step back over continuation bytes to the start of the character that would be split.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) --end;
    text.resize(end);
}

std::string lineOutOfRange(std::int64_t line, const std::string& path) {
    return "line " + std::to_string(line) + " is past the end of " + path;
}

}  // namespace

std::string checkedCommentPath(std::string_view text) {
    if (text.empty() || text.size() > kMaxCommentPathBytes)
        refusePath("expected 1 to " + std::to_string(kMaxCommentPathBytes) + " characters");
    for (unsigned char c : text)
        if (c < 0x20 || c == 0x7f) refusePath("control characters are not allowed");
    fs::path p{std::string(text)};
    if (p.is_absolute()) refusePath("must be relative to the working tree");
    for (const auto& part : p)
        if (part == "..") refusePath("'..' is not allowed");
    std::string normal = p.lexically_normal().generic_string();
    if (normal.ends_with('/')) normal.pop_back();
    if (normal.empty() || normal == ".") refusePath("must name a file");
    if (normal == ".git" || normal.starts_with(".git/")) refusePath("git's own files are not code");
    return normal;
}

std::optional<std::string> quoteLines(std::istream& in, std::int64_t line, std::int64_t endLine) {
    std::int64_t last = std::min<std::int64_t>(endLine, line + kMaxQuoteLines - 1);
    std::int64_t current = 1;
    std::string quote;
    bool any = false;      // the first line was reached
    bool between = false;  // a quoted line ended: '\n' goes in once another line follows
    std::streambuf* buf = in.rdbuf();
    for (int c = buf->sbumpc(); c != std::char_traits<char>::eof(); c = buf->sbumpc()) {
        bool inRange = current >= line;
        any = any || inRange;
        if (inRange && between && quote.size() <= kMaxQuoteBytes) quote += '\n';
        between = false;
        if (c == '\n') {
            if (current == last) break;
            between = inRange;
            ++current;
        } else if (inRange && quote.size() <= kMaxQuoteBytes) {
            quote += static_cast<char>(c);
        }
    }
    if (!any) return std::nullopt;
    // A CRLF file's lines lose their '\r' (the quote is shown and typed, not compared).
    std::string clean;
    for (std::size_t i = 0; i < quote.size(); ++i)
        if (!(quote[i] == '\r' && (i + 1 == quote.size() || quote[i + 1] == '\n')))
            clean += quote[i];
    cutAtCharacter(clean, kMaxQuoteBytes);
    return core::toValidUtf8(clean);
}

std::string quoteFromWorktree(const fs::path& worktree, const std::string& path, std::int64_t line,
                              std::int64_t endLine) {
    std::error_code ec;
    fs::path root = fs::canonical(worktree, ec);
    if (ec) throw ServiceError(400, "Workspace directory does not exist");
    fs::path real = fs::canonical(root / checkedCommentPath(path), ec);
    if (ec) refusePath("no such file in the worktree: " + path);
    if (!files::isWithinRoots(real, files::Roots{{root}}))
        refusePath("leads outside the worktree: " + path);
    if (!fs::is_regular_file(real, ec)) refusePath("not a regular file: " + path);
    std::ifstream in(real, std::ios::binary);
    if (!in) refusePath("cannot be read: " + path);
    auto quote = quoteLines(in, line, endLine);
    if (!quote) refusePath(lineOutOfRange(line, path));
    return *quote;
}

std::string quoteFromBase(const fs::path& worktree, const std::string& baseRef,
                          const std::string& path, std::int64_t line, std::int64_t endLine) {
    std::string checked = checkedCommentPath(path);
    if (auto problem = git::baseRefProblem(baseRef))
        throw ServiceError(400, "base \"" + baseRef + "\": " + *problem);
    auto base = git::runGit({{"merge-base", "--end-of-options", "HEAD", baseRef}, worktree});
    if (!base.ok() || base.out.size() < 40)
        throw ServiceError(400, "Base \"" + baseRef + "\" has no common commit with HEAD");
    std::string commit = base.out.substr(0, base.out.find_first_of("\r\n"));
    git::GitCommand show{{"cat-file", "blob", "--end-of-options", commit + ":" + checked},
                         worktree};
    show.outputLimit = kMaxBaseFileBytes;
    auto blob = git::runGit(show);
    if (!blob.ok()) refusePath("not in the base (" + commit.substr(0, 12) + "): " + checked);
    std::istringstream in(blob.out);
    auto quote = quoteLines(in, line, endLine);
    if (!quote) refusePath(lineOutOfRange(line, checked));
    return *quote;
}

}  // namespace parawork::review
