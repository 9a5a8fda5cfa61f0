// Validation of branch and ref names with libgit2's implementation of git's refname rules, and
// slugs for workspace names.
#include "git/ref_names.hpp"

#include <git2.h>

#include "core/error.hpp"
#include "git/libgit2_handles.hpp"

namespace parawork::git {
namespace {

/// The checks that come before git's own rules, shared by branch names and base refs.
std::optional<std::string> commonProblem(std::string_view name) {
    if (name.empty()) return "it is empty";
    if (name.size() > kMaxRefNameLength)
        return "it is longer than " + std::to_string(kMaxRefNameLength) + " characters";
    for (unsigned char c : name) {
        if (c < 0x20 || c == 0x7f) return "it contains a control character";
    }
    // A leading dash would make git read the name as an option.
    if (name.front() == '-') return "it starts with '-'";
    return std::nullopt;
}

bool isHexId(std::string_view s) {
    if (s.size() < 4 || s.size() > 64) return false;
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

bool isValidReferenceName(const std::string& full) {
    detail::ensureLibgit2();
    int valid = 0;
    detail::check(git_reference_name_is_valid(&valid, full.c_str()), "cannot check a ref name");
    return valid != 0;
}

std::string quoted(std::string_view name) {
    std::string out = "\"";
    for (unsigned char c : name.substr(0, 80)) {
        if (c < 0x20 || c == 0x7f) {
            static const char* hex = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + (name.size() > 80 ? "…\"" : "\"");
}

}  // namespace

std::optional<std::string> branchNameProblem(std::string_view name) {
    if (auto problem = commonProblem(name)) return problem;
    // git accepts a branch named "@", but "@" also means HEAD in every revision argument.
    if (name == "@") return "'@' means HEAD to git";
    detail::ensureLibgit2();
    std::string copy(name);
    int valid = 0;
    detail::check(git_branch_name_is_valid(&valid, copy.c_str()), "cannot check a branch name");
    if (!valid)
        return "git does not allow it (no spaces, '..', '~', '^', ':', '?', '*', '[', '\\', "
               "'@{', a leading or trailing '/' or '.', or a trailing \".lock\")";
    return std::nullopt;
}

void validateBranchName(std::string_view name) {
    if (auto problem = branchNameProblem(name))
        throw core::Error("invalid branch name " + quoted(name) + ": " + *problem);
}

std::optional<std::string> baseRefProblem(std::string_view ref) {
    if (auto problem = commonProblem(ref)) return problem;
    if (ref == "HEAD" || isHexId(ref)) return std::nullopt;
    std::string full(ref);
    if (!ref.starts_with("refs/")) full = "refs/heads/" + full;
    if (!isValidReferenceName(full))
        return "it is neither a commit id nor a ref name git allows (no spaces, '..', '~', '^', "
               "':', '?', '*', '[', '\\' or '@{')";
    return std::nullopt;
}

void validateBaseRef(std::string_view ref) {
    if (auto problem = baseRefProblem(ref))
        throw core::Error("invalid base ref " + quoted(ref) + ": " + *problem);
}

std::string slugify(std::string_view name) {
    std::string slug;
    bool pendingDash = false;
    for (unsigned char c : name) {
        if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
        bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!keep) {
            pendingDash = !slug.empty();  // no dash at the start
            continue;
        }
        if (pendingDash) {
            if (slug.size() + 1 >= kMaxSlugLength) break;  // a dash would end the slug
            slug += '-';
            pendingDash = false;
        }
        slug += static_cast<char>(c);
        if (slug.size() == kMaxSlugLength) break;
    }
    return slug.empty() ? "workspace" : slug;
}

}  // namespace parawork::git
