#include "watch/skip_rules.hpp"

#include <algorithm>

namespace parawork::watch {

bool isSkippedDirectoryName(std::string_view name) {
    return std::find(kSkippedDirectoryNames.begin(), kSkippedDirectoryNames.end(), name) !=
           kSkippedDirectoryNames.end();
}

bool isWithin(const std::filesystem::path& path, const std::filesystem::path& prefix) {
    auto p = path.begin();
    for (auto q = prefix.begin(); q != prefix.end(); ++q, ++p) {
        if (q->empty() && std::next(q) == prefix.end()) break;  // a trailing '/' in `prefix`
        if (p == path.end() || *p != *q) return false;
    }
    return true;
}

}  // namespace parawork::watch
