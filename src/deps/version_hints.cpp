#include "deps/version_hints.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

#include <boost/json/parse.hpp>

#include "deps/install_state.hpp"

namespace parawork::deps {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

/// A version or pattern as numbers; a wildcard ("x", "*") or an absent part ends it.
using Parts = std::vector<long>;

std::string trim(std::string_view text) {
    auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) return "";
    auto end = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(begin, end - begin + 1));
}

/// "18.2.x" -> {18, 2}; "v3" -> {3}; nullopt for anything else ("lts/*", "18.2-beta" is {18,2}).
std::optional<Parts> parsePattern(std::string_view text) {
    if (!text.empty() && (text[0] == 'v' || text[0] == 'V')) text.remove_prefix(1);
    Parts parts;
    std::size_t i = 0;
    while (i < text.size() && parts.size() < 3) {
        if (text[i] == 'x' || text[i] == 'X' || text[i] == '*') break;
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
        long n = 0;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
            n = n * 10 + (text[i++] - '0');
        parts.push_back(n);
        if (i < text.size() && text[i] == '.') {
            ++i;
            continue;
        }
        break;
    }
    if (parts.empty() && (text.empty() || (text[0] != 'x' && text[0] != 'X' && text[0] != '*')))
        return std::nullopt;
    return parts;
}

/// Compares `version` with `pattern` on the pattern's parts only: -1, 0 or 1.
int compareOnPattern(const Parts& version, const Parts& pattern) {
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        long v = i < version.size() ? version[i] : 0;
        if (v != pattern[i]) return v < pattern[i] ? -1 : 1;
    }
    return 0;
}

std::optional<bool> comparatorHolds(const Parts& version, std::string_view comparator) {
    std::string op;
    while (!comparator.empty() &&
           std::string_view("<>=^~").find(comparator[0]) != std::string::npos) {
        op += comparator[0];
        comparator.remove_prefix(1);
    }
    auto pattern = parsePattern(comparator);
    if (!pattern) return std::nullopt;
    int cmp = compareOnPattern(version, *pattern);
    if (op.empty() || op == "=") return cmp == 0;
    if (op == ">=") return cmp >= 0;
    if (op == ">") return cmp > 0;
    if (op == "<=") return cmp <= 0;
    if (op == "<") return cmp < 0;
    if (op == "~" || op == "^") {
        if (cmp < 0) return false;
        // ~1.2.3: same major.minor; ^1.2.3: same first non-zero part (and those before it).
        std::size_t fixed = 1;
        if (op == "~") {
            fixed = std::min<std::size_t>(pattern->size(), 2);
        } else {
            while (fixed < pattern->size() && (*pattern)[fixed - 1] == 0) ++fixed;
        }
        Parts head(pattern->begin(), pattern->begin() + std::min(fixed, pattern->size()));
        return compareOnPattern(version, head) == 0;
    }
    return std::nullopt;
}

void addHint(std::map<std::string, VersionHint>& hints, const std::string& tool,
             const std::string& wanted, const std::string& source) {
    if (!wanted.empty() && !hints.contains(tool)) hints[tool] = {wanted, source};
}

/// The first line of a pin file such as .nvmrc, trimmed.
void readPinFile(const fs::path& root, const std::string& name, const std::string& tool,
                 std::map<std::string, VersionHint>& hints) {
    auto text = readSmallFile(root / name, 4096);
    if (!text) return;
    addHint(hints, tool, trim(text->substr(0, text->find('\n'))), name);
}

/// asdf/mise's .tool-versions: "<plugin> <version> [fallback...]" per line.
void readToolVersions(const fs::path& root, std::map<std::string, VersionHint>& hints) {
    static const std::map<std::string, std::string> kPluginTools = {
        {"nodejs", "node"}, {"node", "node"},     {"python", "python3"}, {"golang", "go"},
        {"go", "go"},       {"ruby", "ruby"},     {"java", "java"},      {"rust", "cargo"},
        {"php", "php"},     {"elixir", "elixir"}, {"pnpm", "pnpm"},      {"yarn", "yarn"},
        {"bun", "bun"},     {"uv", "uv"},         {"dotnet", "dotnet"}};
    auto text = readSmallFile(root / ".tool-versions", 64 * 1024);
    if (!text) return;
    std::istringstream lines(*text);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream fields(line.substr(0, line.find('#')));
        std::string plugin, version;
        if (!(fields >> plugin >> version)) continue;
        if (auto it = kPluginTools.find(plugin); it != kPluginTools.end())
            addHint(hints, it->second, version, ".tool-versions");
    }
}

void readEngines(const fs::path& root, std::map<std::string, VersionHint>& hints) {
    auto text = readSmallFile(root / "package.json");
    if (!text) return;
    boost::system::error_code ec;
    auto manifest = json::parse(*text, ec);
    if (ec || !manifest.is_object()) return;
    const auto* engines = manifest.as_object().if_contains("engines");
    if (!engines || !engines->is_object()) return;
    for (const auto& [tool, wanted] : engines->as_object())
        if (wanted.is_string())
            addHint(hints, std::string(tool), std::string(wanted.as_string()),
                    "package.json engines");
}

}  // namespace

std::optional<std::string> extractVersion(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) continue;
        std::size_t end = i;
        while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) ||
                                     (text[end] == '.' && end + 1 < text.size() &&
                                      std::isdigit(static_cast<unsigned char>(text[end + 1])))))
            ++end;
        return std::string(text.substr(i, end - i));
    }
    return std::nullopt;
}

std::optional<bool> versionSatisfies(std::string_view version, std::string_view wanted) {
    auto number = extractVersion(version);
    if (!number) return std::nullopt;
    auto parsed = parsePattern(*number);
    if (!parsed) return std::nullopt;
    std::string ranges(wanted);
    std::optional<bool> any;
    std::size_t start = 0;
    while (start <= ranges.size()) {
        auto bar = ranges.find("||", start);
        std::string alternative = trim(
            std::string_view(ranges).substr(start, bar == std::string::npos ? bar : bar - start));
        if (alternative.find(" - ") != std::string::npos) return std::nullopt;  // hyphen ranges
        std::istringstream comparators(alternative);
        std::string comparator;
        std::optional<bool> all = true;
        while (comparators >> comparator) {
            auto holds = comparatorHolds(*parsed, comparator);
            if (!holds) return std::nullopt;
            if (!*holds) all = false;
        }
        if (alternative.empty()) return std::nullopt;
        if (*all) return true;
        any = false;
        if (bar == std::string::npos) break;
        start = bar + 2;
    }
    return any;
}

std::map<std::string, VersionHint> readVersionHints(const fs::path& root) {
    std::map<std::string, VersionHint> hints;
    readPinFile(root, ".nvmrc", "node", hints);
    readPinFile(root, ".node-version", "node", hints);
    readPinFile(root, ".python-version", "python3", hints);
    readToolVersions(root, hints);
    readEngines(root, hints);
    return hints;
}

}  // namespace parawork::deps
