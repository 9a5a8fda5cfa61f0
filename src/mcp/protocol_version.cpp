#include "mcp/protocol_version.hpp"

#include <array>

namespace parawork::mcp {
namespace {

constexpr std::array kVersions{
    VersionRules{"2026-07-28", true, true},
    VersionRules{"2025-11-25", false, true},
    VersionRules{"2025-06-18", false, false},
};

}  // namespace

std::span<const VersionRules> supportedVersions() {
    return kVersions;
}

std::optional<VersionRules> rulesFor(std::string_view version) {
    for (const auto& rules : kVersions)
        if (rules.version == version) return rules;
    return std::nullopt;
}

std::string_view negotiateHandshake(std::string_view requested) {
    auto rules = rulesFor(requested);
    if (rules && !rules->stateless) return rules->version;
    for (const auto& candidate : kVersions)
        if (!candidate.stateless) return candidate.version;
    return kVersions.back().version;
}

std::string_view latestVersion() {
    return kVersions.front().version;
}

}  // namespace parawork::mcp
