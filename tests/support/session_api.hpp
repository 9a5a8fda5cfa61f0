// Test helpers that drive sessions through the daemon's API (over its unix socket): create a
// plain-directory workspace, start a command, wait for a status, read output by offset.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "support/daemon_process.hpp"

namespace parawork::test {

class SessionApi {
  public:
    explicit SessionApi(const DaemonProcess& daemon) : client_(daemon.unixSocket()) {}

    /// POST/GET/... with a JSON body; returns the parsed response (envelope included).
    boost::json::value call(const std::string& method, const std::string& target,
                            const std::string& body = {}, unsigned* status = nullptr);
    /// A new workspace on `path`; returns its id.
    std::string createWorkspace(const std::string& path = "/tmp");
    /// Starts argv in the workspace; returns the session JSON (data). Throws on refusal.
    boost::json::object start(const std::string& workspaceId, const std::vector<std::string>& argv,
                              const std::string& extraJson = {});
    boost::json::object session(const std::string& id);
    /// Waits until the session's status is completed or failed; returns the session.
    boost::json::object waitEnded(const std::string& id,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(30));
    /// Everything the session printed so far (follows nextOffset until the end).
    std::string output(const std::string& id);
    /// Waits until the output contains `needle`; returns the output.
    std::string waitOutput(const std::string& id, const std::string& needle,
                           std::chrono::milliseconds timeout = std::chrono::seconds(20));

  private:
    api::HttpClient client_;
};

/// True while a process with this pid exists (and is not a zombie).
bool processAlive(int pid);

}  // namespace parawork::test
