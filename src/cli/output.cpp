#include "cli/output.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace parawork::cli {
namespace {

/// Code points in UTF-8 text (continuation bytes do not count), skipping SGR colour sequences
/// ("ESC [ … m") so that coloured cells line up.
std::size_t width(std::string_view text) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
            auto end = text.find('m', i);
            if (end == std::string_view::npos) break;
            i = end;
        } else if ((text[i] & 0xC0) != 0x80) {
            ++n;
        }
    }
    return n;
}

std::string wrap(const std::string& text, const char* sgr) {
    if (!colourEnabled()) return text;
    return std::string("\x1b[") + sgr + "m" + text + "\x1b[0m";
}

}  // namespace

Table::Table(std::vector<std::string> header) {
    rows_.push_back(std::move(header));
}

void Table::add(std::vector<std::string> row) {
    row.resize(rows_.front().size());
    rows_.push_back(std::move(row));
}

void Table::print(std::ostream& out) const {
    std::vector<std::size_t> widths(rows_.front().size(), 0);
    for (const auto& row : rows_)
        for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], width(row[i]));
    bool colour = colourEnabled();
    for (std::size_t r = 0; r < rows_.size(); ++r) {
        std::string line;
        for (std::size_t i = 0; i < rows_[r].size(); ++i) {
            const auto& cell = rows_[r][i];
            line += cell;
            if (i + 1 < rows_[r].size()) line += std::string(widths[i] - width(cell) + 2, ' ');
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out << (r == 0 && colour ? "\x1b[1m" + line + "\x1b[0m" : line) << "\n";
    }
}

std::string relativeTime(std::int64_t thenMs, std::int64_t nowMs) {
    if (thenMs <= 0) return "-";
    auto seconds = std::max<std::int64_t>(0, (nowMs - thenMs) / 1000);
    if (seconds < 2) return "just now";
    if (seconds < 60) return std::to_string(seconds) + "s ago";
    if (seconds < 3600) return std::to_string(seconds / 60) + "m ago";
    if (seconds < 86400) return std::to_string(seconds / 3600) + "h ago";
    return std::to_string(seconds / 86400) + "d ago";
}

std::string shortId(std::string_view id) {
    return std::string(id.substr(0, 8));
}

bool colourEnabled() {
    static const bool enabled = [] {
        const char* noColor = std::getenv("NO_COLOR");
        return ::isatty(STDOUT_FILENO) == 1 && (!noColor || !*noColor);
    }();
    return enabled;
}

std::string colourStatus(const std::string& status) {
    if (status == "running" || status == "active") return wrap(status, "32");
    if (status == "starting") return wrap(status, "33");
    if (status == "failed" || status == "error") return wrap(status, "31");
    if (status == "completed" || status == "idle") return wrap(status, "2");
    return status;
}

std::string bold(const std::string& text) {
    return wrap(text, "1");
}

std::string ellipsize(const std::string& text, std::size_t max) {
    if (width(text) <= max || max == 0) return text;
    std::string out;
    std::size_t points = 0;
    for (char c : text) {
        bool start = (c & 0xC0) != 0x80;
        if (start && ++points > max - 1) break;
        out += c;
    }
    return out + "…";
}

}  // namespace parawork::cli
