// How the CLI shows resources, limits and startup figures (issue 8): shared by `run` (the
// limit flags), `ps`, `logs` (the end line) and `top`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>

namespace parawork::cli {

/// `run --memory 2G --cpu 150% --timeout 2h --pids 512`; the daemon checks the values.
struct LimitFlags {
    std::string memory, cpu, timeout;
    std::optional<std::int64_t> pids;
};
void addLimitOptions(CLI::App* cmd, LimitFlags& flags);
/// The start body's `limits` object; empty when no flag was given.
boost::json::object limitsBody(const LimitFlags& flags);

/// "memory limit reached (limit:memory)" for a limit's exit reason; nullopt for others.
std::optional<std::string> limitReasonText(const std::string& exitReason);

/// "1.2s", "340ms", "2m05s", "3h04m": a duration for tables.
std::string durationText(std::int64_t ms);

/// A session's startup figures from its JSON: "output 0.1s, ready 2.3s"; "-" when unknown.
std::string startupText(const boost::json::object& session);

/// "512M", "1.5G": bytes for tables.
std::string shortBytes(double bytes);

}  // namespace parawork::cli
