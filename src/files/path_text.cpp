#include "files/path_text.hpp"

#include <algorithm>
#include <vector>

namespace parawork::files {
namespace {

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && isSpace(text.front())) text.remove_prefix(1);
    while (!text.empty() && isSpace(text.back())) text.remove_suffix(1);
    return text;
}

std::string expandTilde(std::string_view path, const std::string& home) {
    if (path == "~" || path.starts_with("~/")) return home + std::string(path.substr(1));
    return std::string(path);
}

std::string normalizeShown(std::string_view absolutePath) {
    std::vector<std::string_view> segments;
    std::string_view rest = absolutePath;
    while (!rest.empty()) {
        auto slash = rest.find('/');
        auto segment = rest.substr(0, slash);
        if (!segment.empty() && segment != ".") segments.push_back(segment);
        if (slash == std::string_view::npos) break;
        rest.remove_prefix(slash + 1);
    }
    std::string out;
    for (auto segment : segments) {
        out += '/';
        out += segment;
    }
    if (out.empty()) return "/";
    if (absolutePath.ends_with('/')) out += '/';
    return out;
}

std::optional<std::string> parentShown(std::string_view normalizedPath) {
    while (normalizedPath.size() > 1 && normalizedPath.back() == '/')
        normalizedPath.remove_suffix(1);
    if (normalizedPath == "/" || normalizedPath.empty()) return std::nullopt;
    auto slash = normalizedPath.rfind('/');
    if (slash == std::string_view::npos) return std::nullopt;
    if (slash == 0) return std::string("/");
    return std::string(normalizedPath.substr(0, slash));
}

std::string childShown(std::string_view dir, std::string_view name) {
    while (dir.size() > 1 && dir.back() == '/') dir.remove_suffix(1);
    std::string out(dir);
    if (out != "/") out += '/';
    out += name;
    return out;
}

std::string lowerAscii(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), lower);
    return out;
}

bool nameLess(std::string_view a, std::string_view b) {
    auto less = [](char x, char y) {
        return static_cast<unsigned char>(lower(x)) < static_cast<unsigned char>(lower(y));
    };
    if (std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), less)) return true;
    if (std::lexicographical_compare(b.begin(), b.end(), a.begin(), a.end(), less)) return false;
    return a < b;
}

}  // namespace parawork::files
