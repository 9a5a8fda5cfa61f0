// The exit record: how a session's command ended, written once by the host as `<dir>/exit.json`
// (atomically: tmp + fsync + rename) and pushed to watchers. The JSON is written by hand (its
// fields are numbers and fixed strings); the small parser here is for tests and tools, the daemon
// may use its own JSON library.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace parawork::host {

/// Why the command ended. ExecFailed: it never ran (bad cwd, not found, not executable).
enum class ExitReason { Exited, Signaled, ExecFailed };

/// "exited", "signaled", "exec-failed".
std::string_view toString(ExitReason reason);
std::optional<ExitReason> parseExitReason(std::string_view text);

/// Exit codes of a command that could not be run, as shells use them.
inline constexpr int kExitNotFound = 127;       ///< no such command (ENOENT, ENOTDIR)
inline constexpr int kExitCannotExecute = 126;  ///< found but not runnable, or the cwd is bad

/// How the command ended. Exactly one of exitCode / signal is set.
struct ExitRecord {
    std::optional<int> exitCode;
    std::optional<int> signal;
    std::int64_t startedAtMs = 0;  ///< ms since the Unix epoch
    std::int64_t exitedAtMs = 0;
    ExitReason reason = ExitReason::Exited;

    bool operator==(const ExitRecord&) const = default;
};

/// The record for a waitpid(2) status. `execFailed` marks a child that never reached exec.
ExitRecord exitRecordFromWaitStatus(int waitStatus, bool execFailed, std::int64_t startedAtMs,
                                    std::int64_t exitedAtMs);

/// One JSON object on one line, e.g.
/// {"exitCode":3,"signal":null,"startedAt":1700000000000,"exitedAt":1700000000100,"reason":"exited"}
std::string toJson(const ExitRecord& record);

/// Parses what toJson writes (a flat object; unknown keys are ignored). nullopt if malformed.
std::optional<ExitRecord> parseExitRecord(std::string_view json);

/// Writes `file` atomically: a temporary file beside it, fsync, rename, fsync of the directory.
/// Throws core::Error on failure.
void writeExitRecordFile(const std::filesystem::path& file, const ExitRecord& record);

/// The record in `file`; nullopt if the file does not exist or does not parse.
std::optional<ExitRecord> readExitRecordFile(const std::filesystem::path& file);

}  // namespace parawork::host
