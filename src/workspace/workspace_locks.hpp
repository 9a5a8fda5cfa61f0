// One mutex per workspace for the work that must not overlap on its files and git directory:
// checkpoints, restores and commits (src/review) against removing or archiving its worktree. A
// checkpoint's temporary index lives in the worktree's git directory, so one running while the
// worktree goes would make `git worktree remove` fail (and could leave a ref behind a deleted
// workspace). Whoever holds the lock re-reads the workspace: it may be gone when it gets it.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace parawork::workspace {

class WorkspaceLocks {
  public:
    /// Blocks until this thread holds the workspace's mutex.
    std::unique_lock<std::mutex> lock(const std::string& workspaceId);

  private:
    std::mutex mapMutex_;
    /// One per workspace ever locked, never freed (a few bytes each; workspaces are few).
    std::map<std::string, std::unique_ptr<std::mutex>> locks_;
};

}  // namespace parawork::workspace
