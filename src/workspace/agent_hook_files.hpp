// The hooks an agent session is started with (issue 19 §2), installed without touching the
// person's own configuration: the profile's hook args on the agent's argv, and its settings file
// written by the daemon under its data directory (<data>/agent-hooks/<agent>.json, mode 0600),
// once per profile and again only when its content changes.
#pragma once

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "core/agents.hpp"

namespace parawork::workspace {

class AgentHookFiles {
  public:
    /// `hookCommand`: parawork's hook command (its binary's absolute path, "hook", options);
    /// empty: agents start without hooks. `directory`: where the settings files go (made 0700
    /// when missing).
    AgentHookFiles(std::vector<std::string> hookCommand, std::filesystem::path directory);

    /// `launch` with `profile`'s hooks installed (its settings file written first); unchanged
    /// when the profile has none or there is no hook command. Throws core::Error when the
    /// settings file cannot be written.
    void install(const core::AgentProfile& profile, core::AgentLaunch& launch);

    /// Where `agent`'s settings file is.
    std::filesystem::path settingsFile(const std::string& agent) const;

  private:
    /// Writes `content` to `file` unless it holds exactly that already.
    void writeWhenChanged(const std::filesystem::path& file, const std::string& content);

    std::vector<std::string> hookCommand_;
    std::filesystem::path directory_;
    std::mutex mutex_;  ///< sessions start on several threads; one writer at a time
};

}  // namespace parawork::workspace
