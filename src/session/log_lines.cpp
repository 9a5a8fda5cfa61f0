#include "session/log_lines.hpp"

#include <regex>

namespace parawork::session {
namespace {

constexpr char kEsc = '\x1b';

/// Skips an escape sequence starting at s[i] == ESC; returns the index after it.
std::size_t skipEscape(std::string_view s, std::size_t i) {
    if (i + 1 >= s.size()) return s.size();
    char kind = s[i + 1];
    if (kind == '[') {  // CSI: parameters and intermediates, then a final byte 0x40–0x7e
        std::size_t j = i + 2;
        while (j < s.size() && !(s[j] >= 0x40 && s[j] <= 0x7e)) ++j;
        return std::min(j + 1, s.size());
    }
    if (kind == ']' || kind == 'P' || kind == '_' || kind == '^') {  // OSC/DCS/APC/PM: to BEL or ST
        for (std::size_t j = i + 2; j < s.size(); ++j) {
            if (s[j] == '\a') return j + 1;
            if (s[j] == kEsc && j + 1 < s.size() && s[j + 1] == '\\') return j + 2;
        }
        return s.size();
    }
    if ((kind == '(' || kind == ')' || kind == '#' || kind == '%') && i + 2 < s.size())
        return i + 3;  // charset designations carry one more byte
    return i + 2;      // two-character sequences such as ESC 7, ESC =, ESC M
}

/// A CSI whose ESC was lost ("[31m", "[0;1m", "[2K"): '[' digits/';' and a final letter.
std::size_t skipOrphanCsi(std::string_view s, std::size_t i) {
    std::size_t j = i + 1;
    while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') || s[j] == ';' || s[j] == '?')) ++j;
    if (j > i + 1 && j < s.size() &&
        std::string_view("mKJHfABCDGsu").find(s[j]) != std::string_view::npos)
        return j + 1;
    return i;
}

std::string truncateUtf8(std::string s) {
    // Count code points, cut at the limit on a character boundary.
    std::size_t chars = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
        if (chars++ == kMaxLogLineChars) return s.substr(0, i) + "... [truncated]";
    }
    return s;
}

}  // namespace

std::string sanitizeLogLine(std::string_view line) {
    std::string out;
    out.reserve(line.size());
    for (std::size_t i = 0; i < line.size();) {
        unsigned char c = static_cast<unsigned char>(line[i]);
        if (c == kEsc) {
            i = skipEscape(line, i);
        } else if (c == '[') {
            std::size_t j = skipOrphanCsi(line, i);
            if (j == i)
                out += line[i++];
            else
                i = j;
        } else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
            ++i;
        } else {
            out += line[i++];
        }
    }
    return truncateUtf8(std::move(out));
}

void LineSplitter::feed(std::string_view chunk,
                        const std::function<void(std::string_view)>& onLine) {
    while (!chunk.empty()) {
        auto nl = chunk.find('\n');
        if (nl == std::string_view::npos) {
            partial_.append(chunk);
            while (partial_.size() >= maxLine_) {
                onLine(std::string_view(partial_).substr(0, maxLine_));
                partial_.erase(0, maxLine_);
            }
            return;
        }
        if (partial_.empty()) {
            onLine(chunk.substr(0, nl));
        } else {
            partial_.append(chunk.substr(0, nl));
            onLine(partial_);
            partial_.clear();
        }
        chunk.remove_prefix(nl + 1);
    }
}

void LineSplitter::skip(std::string_view chunk) {
    auto nl = chunk.rfind('\n');
    if (nl != std::string_view::npos) {
        partial_.assign(chunk.substr(nl + 1));
    } else {
        partial_.append(chunk);
    }
    // As feed: a line past maxLine_ goes in pieces, and only the last piece stays pending.
    partial_.erase(0, partial_.size() / maxLine_ * maxLine_);
}

bool LineSplitter::mayContain(std::string_view chunk,
                              std::initializer_list<std::string_view> needles) const {
    // The pending line whole (it is bounded by maxLine_): a needle it holds completes its line.
    constexpr std::size_t kEdge = 32;
    std::string edge = partial_;
    edge.append(chunk.substr(0, kEdge));
    for (auto needle : needles)
        if (chunk.find(needle) != std::string_view::npos || edge.find(needle) != std::string::npos)
            return true;
    return false;
}

std::optional<std::string> LineSplitter::flush() {
    if (partial_.empty()) return std::nullopt;
    std::string out = std::move(partial_);
    partial_.clear();
    return out;
}

std::optional<Marker> parseMarker(std::string_view line) {
    static const std::regex marker(
        R"(^\s*\[(?:parawork|vmux):(stage|stage:done|ready)\]\s*(.*?)\s*$)");
    std::cmatch m;
    if (!std::regex_match(line.data(), line.data() + line.size(), m, marker)) return std::nullopt;
    Marker out;
    std::string kind = m[1];
    out.kind = kind == "stage"   ? Marker::Kind::Stage
               : kind == "ready" ? Marker::Kind::Ready
                                 : Marker::Kind::StageDone;
    out.value = m[2];
    return out;
}

}  // namespace parawork::session
