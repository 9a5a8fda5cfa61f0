// The programs a workspace's projects need: found on PATH (core::findExecutable, as a session
// would find them) and asked for their version with an argv (never a shell) and a timeout.
// Versions are cached per daemon with a TTL: tools change rarely and `java -version` takes ~1 s.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deps/dependency_report.hpp"

namespace parawork::deps {

/// What one version command said.
struct VersionOutput {
    std::optional<std::string> version;  ///< the first dotted number printed
    std::optional<std::string> problem;  ///< "timed out after 5 s", "exited with 1", ...
};

/// Runs `program args...` (stdin /dev/null, stdout and stderr read together, at most 64 KiB),
/// killing its process group after `timeout`. Never throws for the program's own failures.
VersionOutput runVersionCommand(const std::filesystem::path& program,
                                const std::vector<std::string>& args,
                                std::chrono::milliseconds timeout);

/// The arguments that make `tool` print its version ("go version", "java -version", else
/// "--version").
std::vector<std::string> versionArguments(std::string_view tool);

class ToolVersions {
  public:
    explicit ToolVersions(std::chrono::seconds ttl = std::chrono::minutes(10),
                          std::chrono::milliseconds timeout = std::chrono::seconds(5));

    /// `tool` looked up on `pathVariable` (colon-separated, as execvp does), with its version
    /// (cached per resolved path, and run again when the file changes or the TTL passes).
    ToolStatus probe(const std::string& tool, std::string_view pathVariable);

    /// How many version commands have run (for tests of the cache).
    std::size_t commandsRun() const;

  private:
    struct Entry {
        VersionOutput output;
        std::filesystem::file_time_type modified;
        std::chrono::steady_clock::time_point at;
    };
    std::chrono::seconds ttl_;
    std::chrono::milliseconds timeout_;
    mutable std::mutex mutex_;
    std::map<std::string, Entry> cache_;
    std::size_t commandsRun_ = 0;
};

}  // namespace parawork::deps
