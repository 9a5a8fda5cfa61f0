#include "core/quantities.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>

namespace parawork::core {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

/// A non-negative decimal number at the start of `s` (digits, optionally a fraction); the rest
/// is left in `s`.
std::optional<double> leadingNumber(std::string_view& s) {
    std::size_t n = 0;
    while (n < s.size() && (std::isdigit(static_cast<unsigned char>(s[n])) || s[n] == '.')) ++n;
    if (n == 0) return std::nullopt;
    double value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + n, value);
    if (ec != std::errc() || end != s.data() + n || !std::isfinite(value)) return std::nullopt;
    s.remove_prefix(n);
    return value;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::optional<std::uint64_t> parseBytes(std::string_view text) {
    std::string_view s = trim(text);
    auto number = leadingNumber(s);
    if (!number) return std::nullopt;
    std::string unit = lower(trim(s));
    static const std::array<std::pair<std::string_view, int>, 5> kUnits{
        {{"", 0}, {"k", 1}, {"m", 2}, {"g", 3}, {"t", 4}}};
    if (unit.ends_with("ib"))
        unit.resize(unit.size() - 2);
    else if (unit.size() == 2 && unit.back() == 'b')
        unit.resize(1);
    else if (unit == "b")
        unit.clear();
    for (const auto& [name, power] : kUnits) {
        if (unit != name) continue;
        double bytes = *number * std::pow(1024.0, power);
        if (bytes < 1 || bytes >= static_cast<double>(std::numeric_limits<std::uint64_t>::max()))
            return std::nullopt;
        return static_cast<std::uint64_t>(bytes);
    }
    return std::nullopt;
}

std::optional<double> parseCpuPercent(std::string_view text) {
    std::string_view s = trim(text);
    auto number = leadingNumber(s);
    if (!number) return std::nullopt;
    s = trim(s);
    double percent = s == "%" ? *number : s.empty() ? *number * 100 : -1;
    if (percent <= 0 || percent > 100000) return std::nullopt;
    return percent;
}

std::optional<std::int64_t> parseDurationMs(std::string_view text) {
    std::string_view s = trim(text);
    if (s.empty()) return std::nullopt;
    double total = 0;
    bool any = false;
    while (!s.empty()) {
        auto number = leadingNumber(s);
        if (!number) return std::nullopt;
        std::size_t n = 0;
        while (n < s.size() && std::isalpha(static_cast<unsigned char>(s[n]))) ++n;
        std::string unit = lower(s.substr(0, n));
        s.remove_prefix(n);
        double scale = unit == "ms"                  ? 1
                       : unit == "s" || unit.empty() ? 1000
                       : unit == "m"                 ? 60'000
                       : unit == "h"                 ? 3'600'000
                       : unit == "d"                 ? 86'400'000
                                                     : -1;
        if (scale < 0 || (unit.empty() && (any || !s.empty()))) return std::nullopt;
        total += *number * scale;
        any = true;
    }
    if (total < 1 || total > 365.0 * 86'400'000) return std::nullopt;
    return static_cast<std::int64_t>(total);
}

std::string formatBytes(std::uint64_t bytes) {
    static constexpr std::array<const char*, 5> kNames{"B", "KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1024 && unit + 1 < kNames.size()) value /= 1024, ++unit;
    char buffer[32];
    if (unit == 0)
        std::snprintf(buffer, sizeof buffer, "%llu B", static_cast<unsigned long long>(bytes));
    else
        std::snprintf(buffer, sizeof buffer, "%.1f %s", value, kNames[unit]);
    return buffer;
}

}  // namespace parawork::core
