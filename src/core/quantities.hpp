// Human-written quantities shared by parawork.toml, config and CLI flags: sizes ("2G", "512M"),
// CPU shares ("150%", "1.5" cores) and durations ("2h", "30m", "90s", "1h30m"). Strict: anything
// else is an error naming what was expected, never a silent default.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parawork::core {

/// Bytes from "1073741824", "512K", "512M", "2G", "1T" (binary units; "KiB", "MB", "GiB"... also
/// accepted, all binary). nullopt for anything else, zero, or an overflow.
std::optional<std::uint64_t> parseBytes(std::string_view text);

/// Percent of one core from "150%" or a number of cores ("1.5" → 150). nullopt when not a
/// positive number up to 100000 %.
std::optional<double> parseCpuPercent(std::string_view text);

/// Milliseconds from "250ms", "90s", "30m", "2h", "1d", combinations ("1h30m"), or a bare
/// number of seconds. nullopt for anything else, zero, or more than 365 days.
std::optional<std::int64_t> parseDurationMs(std::string_view text);

/// "2.0 GiB", "512 MiB", "17 B": for messages.
std::string formatBytes(std::uint64_t bytes);

}  // namespace parawork::core
