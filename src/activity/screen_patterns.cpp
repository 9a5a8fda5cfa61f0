// The screen layer's matcher: plain substring tests on the screen's text, lowered once per check
// (a screen is at most a few thousand characters; a profile holds a handful of patterns).
#include "activity/screen_patterns.hpp"

#include <algorithm>
#include <string>

namespace parawork::activity {
namespace {

std::string lowerAscii(std::string_view text) {
    std::string lower(text);
    for (char& c : lower)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return lower;
}

bool containsAll(const core::ScreenPattern& pattern, std::string_view lowerScreen) {
    // An empty pattern would match every screen: it matches none.
    if (pattern.allOf.empty()) return false;
    return std::all_of(pattern.allOf.begin(), pattern.allOf.end(), [&](const std::string& part) {
        return !part.empty() && lowerScreen.find(lowerAscii(part)) != std::string_view::npos;
    });
}

/// How exact a pattern is: more strings first, then more characters.
std::pair<std::size_t, std::size_t> exactness(const core::ScreenPattern& pattern) {
    std::size_t chars = 0;
    for (const auto& part : pattern.allOf) chars += part.size();
    return {pattern.allOf.size(), chars};
}

}  // namespace

std::optional<core::ScreenPattern> matchScreen(const std::vector<core::ScreenPattern>& patterns,
                                               std::string_view screenText) {
    const std::string lowerScreen = lowerAscii(screenText);
    const core::ScreenPattern* best = nullptr;
    for (const auto& pattern : patterns) {
        if (!containsAll(pattern, lowerScreen)) continue;
        // Strictly more exact wins; among equals the first in the profile's order.
        if (best == nullptr || exactness(pattern) > exactness(*best)) best = &pattern;
    }
    if (best == nullptr) return std::nullopt;
    return *best;
}

}  // namespace parawork::activity
