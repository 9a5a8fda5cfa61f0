// Running one short command to completion and collecting what it printed: `parawork exec` and
// POST /api/sessions/:id/exec (docs/api.md). Plain C++ over posix_spawn, pipes and poll: the
// child gets its own process group (the whole group is killed on timeout), stdin from the given
// bytes (or /dev/null), and its two output streams are kept apart and capped.
#pragma once

#include <functional>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace parawork::session {

struct CommandSpec {
    std::vector<std::string> argv;         ///< argv[0] is looked up on the PATH of `env`
    std::filesystem::path cwd;             ///< must exist
    std::vector<std::string> env;          ///< "KEY=VALUE", the child's whole environment
    std::optional<std::string> stdinData;  ///< nullopt: stdin is /dev/null
    std::chrono::milliseconds timeout{60000};
    std::size_t maxOutputBytes = 8u << 20;  ///< kept per stream; the rest is read and dropped
    /// Asked while it runs (every core::kCancelCheck): true kills its process group, as a
    /// timeout does.
    std::function<bool()> cancelled;
};

struct CommandResult {
    std::string out;              ///< stdout, at most maxOutputBytes
    std::string err;              ///< stderr, at most maxOutputBytes
    std::optional<int> exitCode;  ///< set when the command exited
    std::optional<int> signal;    ///< set when a signal ended it (also after a timeout)
    bool timedOut = false;        ///< the timeout passed and the process group was killed
    bool cancelled = false;       ///< `cancelled` said so and the process group was killed
    bool truncated = false;       ///< stdout or stderr was longer than maxOutputBytes
    std::chrono::milliseconds duration{0};
};

/// The command cannot start: no such program, a missing directory, a spawn failure. The
/// message names the program or the directory.
class CommandError : public core::Error {
  public:
    using core::Error::Error;
};

/// Runs `spec.argv` in `spec.cwd` and waits until it has exited and both of its output streams
/// have closed, or the timeout has passed (then its process group gets SIGKILL). Blocks the
/// calling thread; throws CommandError when the command cannot start.
CommandResult runCommand(const CommandSpec& spec);

}  // namespace parawork::session
