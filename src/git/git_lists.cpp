// git's -z lists and the non-interactive environment.
#include "git/git_lists.hpp"

namespace parawork::git {

std::vector<std::string> splitNulList(std::string_view text, std::size_t limit) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    while (start < text.size() && fields.size() < limit) {
        std::size_t end = text.find('\0', start);
        if (end == std::string_view::npos) end = text.size();
        if (end == start) break;
        fields.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return fields;
}

std::vector<std::string> splitNulListAll(std::string_view text, std::size_t limit) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    while (start < text.size() && fields.size() < limit) {
        std::size_t end = text.find('\0', start);
        if (end == std::string_view::npos) end = text.size();
        if (end > start) fields.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return fields;
}

std::vector<std::string> statusPaths(std::string_view porcelain, std::size_t limit) {
    std::vector<std::string> paths;
    std::size_t start = 0;
    while (start < porcelain.size() && paths.size() < limit) {
        std::size_t end = porcelain.find('\0', start);
        if (end == std::string_view::npos) end = porcelain.size();
        std::string_view entry = porcelain.substr(start, end - start);
        start = end + 1;
        if (entry.size() < 4) continue;
        paths.emplace_back(entry.substr(3));
        // A rename or copy is followed by its source's name: not a path of its own.
        if (entry[0] == 'R' || entry[0] == 'C') {
            std::size_t next = porcelain.find('\0', start);
            start = next == std::string_view::npos ? porcelain.size() : next + 1;
        }
    }
    return paths;
}

std::vector<std::pair<std::string, std::string>> nonInteractiveEnv() {
    return {{"GIT_EDITOR", "true"},
            {"GIT_SEQUENCE_EDITOR", "true"},
            {"GIT_MERGE_AUTOEDIT", "no"},
            {"GIT_SSH_COMMAND", "ssh -o BatchMode=yes"}};
}

}  // namespace parawork::git
