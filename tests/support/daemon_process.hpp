// The integration harness (STYLE §10, §19): starts the real `parawork serve` binary with a
// private PARAWORK_HOME on port 0, waits until it listens, and stops it at the end. Every test
// that needs a daemon uses one of these; nothing is shared between tests. Even a test that
// crashes leaves no daemon or session host running (support/reaper.hpp).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/http_client.hpp"
#include "support/reaper.hpp"
#include "unit_support/temp_dir.hpp"

namespace parawork::test {

/// Result of running a program to completion.
struct ProcessResult {
    int exitCode = -1;  ///< exit status, or 128 + signal
    std::string out;
    std::string err;
};

/// Runs argv with extra environment variables; stdin is /dev/null.
ProcessResult runProcess(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env = {},
                         std::chrono::seconds timeout = std::chrono::seconds(60));

/// `parawork --home <home> args…` run to completion in directory `cwd` (when given), with
/// NO_COLOR set unless `env` sets it.
ProcessResult runCli(const std::filesystem::path& home, const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env = {},
                     const std::filesystem::path& cwd = {});

/// "exit N", stdout and stderr (2000 bytes of each), for a failed expectation's message.
std::string describe(const ProcessResult& result);

/// Spawns argv in the background with stdout and stderr appended to `outputFile`.
pid_t spawnProcess(const std::vector<std::string>& argv,
                   const std::map<std::string, std::string>& env,
                   const std::filesystem::path& outputFile);

/// Waits for pid to exit; returns its exit code (128 + signal when killed), or nullopt on timeout.
std::optional<int> waitForExit(pid_t pid, std::chrono::milliseconds timeout);

class DaemonProcess {
  public:
    struct Options {
        std::string configToml;                     ///< written to <home>/config/config.toml
        std::vector<std::string> extraArgs;         ///< after `serve`
        std::map<std::string, std::string> env;     ///< extra environment
        std::optional<std::filesystem::path> home;  ///< reuse a home (e.g. to restart a daemon)
        /// 0: any free port; nullopt: no --port (the daemon's default, or the next free one).
        std::optional<std::uint16_t> port = 0;
    };
    DaemonProcess();
    explicit DaemonProcess(Options options);
    ~DaemonProcess();
    DaemonProcess(const DaemonProcess&) = delete;
    DaemonProcess& operator=(const DaemonProcess&) = delete;

    const std::filesystem::path& home() const { return home_; }
    std::uint16_t port() const { return port_; }
    pid_t pid() const { return pid_; }
    const std::string& token() const { return token_; }
    std::filesystem::path socketPath() const { return home_ / "run" / "parawork.sock"; }
    api::Endpoint tcp() const;
    api::Endpoint unixSocket() const;
    /// "127.0.0.1:<port>", the Host header the daemon accepts.
    std::string hostHeader() const;
    /// Everything the daemon printed so far.
    std::string output() const;
    /// SIGTERM and wait; returns the exit code.
    int stop();
    /// SIGKILL and wait (a crash).
    void kill9();

  private:
    void start(Options options);

    std::optional<TempDir> ownedHome_;
    std::filesystem::path home_;
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
    std::string token_;
    std::optional<Reaper> reaper_;  ///< destroyed first: released once the destructor cleaned up
};

/// The `parawork` binary under test.
std::string parawork();

}  // namespace parawork::test
