// Finding the program a session will run before anything is recorded or spawned, so a missing
// agent is a clear 400 at start rather than a session that dies at once (the original's
// "execvp(3) failed" after a 201).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace parawork::core {

/// Where `program` would be executed from: a name without '/' is looked up in `pathVariable`
/// (colon-separated; an empty entry means the current directory, as execvp does), a relative
/// path with '/' is taken against `cwd`. nullopt when there is no such executable regular file.
std::optional<std::filesystem::path> findExecutable(std::string_view program,
                                                    std::string_view pathVariable,
                                                    const std::filesystem::path& cwd);

/// Why `program` cannot run ("not found on PATH", "is not executable", "is a directory");
/// nullopt when findExecutable finds it.
std::optional<std::string> executableProblem(std::string_view program,
                                             std::string_view pathVariable,
                                             const std::filesystem::path& cwd);

}  // namespace parawork::core
