#include "core/activity.hpp"

#include <array>

namespace parawork::core {
namespace {

// One table per enumeration, indexed by the enumerator, so toString and parse cannot disagree.
constexpr std::array<std::string_view, 6> kStates = {"starting", "working",   "waiting",
                                                     "idle",     "completed", "failed"};
constexpr std::array<std::string_view, 6> kWaitingFor = {"",      "permission", "question",
                                                         "input", "login",      "error"};
constexpr std::array<std::string_view, 5> kSources = {"lifecycle", "hook", "terminal", "screen",
                                                      "quiet"};

template <class Enum, std::size_t N>
std::optional<Enum> parseIn(const std::array<std::string_view, N>& names, std::string_view text) {
    for (std::size_t i = 0; i < N; ++i)
        if (names[i] == text) return static_cast<Enum>(i);
    return std::nullopt;
}

}  // namespace

std::string_view toString(ActivityState state) {
    return kStates.at(static_cast<std::size_t>(state));
}
std::string_view toString(WaitingFor waitingFor) {
    return kWaitingFor.at(static_cast<std::size_t>(waitingFor));
}
std::string_view toString(ActivitySource source) {
    return kSources.at(static_cast<std::size_t>(source));
}
std::optional<ActivityState> parseActivityState(std::string_view text) {
    return parseIn<ActivityState>(kStates, text);
}
std::optional<WaitingFor> parseWaitingFor(std::string_view text) {
    return parseIn<WaitingFor>(kWaitingFor, text);
}
std::optional<ActivitySource> parseActivitySource(std::string_view text) {
    return parseIn<ActivitySource>(kSources, text);
}

}  // namespace parawork::core
