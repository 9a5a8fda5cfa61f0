// Parsing of the parawork-host command line (see host_options.hpp).
#include "host/host_options.hpp"

#include <charconv>
#include <cstdint>
#include <limits>

#include "core/error.hpp"

namespace parawork::host {
namespace {

std::uint64_t parseNumber(std::string_view name, std::string_view text, bool allowSuffix) {
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    std::string_view rest(end, static_cast<std::size_t>(text.data() + text.size() - end));
    if (ec != std::errc() || text.empty())
        throw core::Error("invalid value for " + std::string(name) + ": '" + std::string(text) +
                          "'");
    std::uint64_t unit = 1;
    if (allowSuffix && rest.size() == 1) {
        switch (rest[0]) {
            case 'K':
            case 'k':
                unit = 1ULL << 10;
                break;
            case 'M':
            case 'm':
                unit = 1ULL << 20;
                break;
            case 'G':
            case 'g':
                unit = 1ULL << 30;
                break;
            default:
                unit = 0;
        }
        rest.remove_prefix(1);
    }
    if (!rest.empty() || unit == 0 || value > std::numeric_limits<std::uint64_t>::max() / unit)
        throw core::Error("invalid value for " + std::string(name) + ": '" + std::string(text) +
                          "'");
    return value * unit;
}

std::uint64_t inRange(std::string_view name, std::uint64_t value, std::uint64_t min,
                      std::uint64_t max) {
    if (value < min || value > max)
        throw core::Error(std::string(name) + " must be between " + std::to_string(min) + " and " +
                          std::to_string(max));
    return value;
}

}  // namespace

std::string hostUsage() {
    return "usage: parawork-host --dir SESSION_DIR [--cols N] [--rows N] [--cwd DIR]\n"
           "                     [--log-max-bytes N] [--log-segment-bytes N] [--linger-ms N]\n"
           "                     [--cgroup CGROUP_PROCS_FILE]...\n"
           "                     -- COMMAND [ARGS...]\n"
           "       parawork-host --standby --within SESSIONS_DIR   (the request on stdin)\n";
}

namespace {

/// Sets the option `name` from `value()` (called only by options that take a value).
template <class Value>
void applyOption(HostOptions& o, std::string_view name, Value value) {
    auto windowCells = [&] {
        return static_cast<std::uint16_t>(
            inRange(name, parseNumber(name, value(), false), 1, kMaxWindowCells));
    };
    if (name == "--dir") {
        o.sessionDir = std::string(value());
    } else if (name == "--cols") {
        o.size.cols = windowCells();
    } else if (name == "--rows") {
        o.size.rows = windowCells();
    } else if (name == "--cwd") {
        o.cwd = std::string(value());
        if (o.cwd->empty()) throw core::Error("--cwd needs a directory");
    } else if (name == "--log-max-bytes") {
        o.log.maxBytes = inRange(name, parseNumber(name, value(), true), 4096, 1ULL << 50);
    } else if (name == "--log-segment-bytes") {
        o.log.segmentBytes = inRange(name, parseNumber(name, value(), true), 1024, 1ULL << 40);
    } else if (name == "--linger-ms") {
        o.linger = std::chrono::milliseconds(
            inRange(name, parseNumber(name, value(), false), 0, 3600 * 1000));
    } else if (name == "--cgroup") {
        std::filesystem::path file(value());
        if (!file.is_absolute() || file.filename() != "cgroup.procs")
            throw core::Error("--cgroup needs the absolute path of a cgroup.procs file");
        o.cgroupProcFiles.push_back(std::move(file));
    } else if (!name.starts_with("-")) {
        throw core::Error("put -- before the command ('" + std::string(name) + "')");
    } else {
        throw core::Error("unknown option '" + std::string(name) + "'");
    }
}

}  // namespace

HostOptions parseHostOptions(const std::vector<std::string_view>& args) {
    HostOptions options;
    std::size_t i = 0;
    for (; i < args.size() && args[i] != "--"; ++i) {
        std::string_view name = args[i], inlineValue;
        auto eq = name.find('=');
        bool hasInline = name.starts_with("--") && eq != std::string_view::npos;
        if (hasInline) {
            inlineValue = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        applyOption(options, name, [&]() -> std::string_view {
            if (hasInline) return inlineValue;
            if (i + 1 >= args.size()) throw core::Error(std::string(name) + " needs a value");
            return args[++i];
        });
    }
    if (options.sessionDir.empty()) throw core::Error("--dir is required");
    for (++i; i < args.size(); ++i) options.command.emplace_back(args[i]);
    if (options.command.empty()) throw core::Error("no command given after --");
    if (options.command.front().empty()) throw core::Error("the command name is empty");
    return options;
}

}  // namespace parawork::host
