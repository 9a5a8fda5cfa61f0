#include "workspace/workspace_locks.hpp"

namespace parawork::workspace {

std::unique_lock<std::mutex> WorkspaceLocks::lock(const std::string& workspaceId) {
    std::mutex* mutex = nullptr;
    {
        std::lock_guard guard(mapMutex_);
        auto& slot = locks_[workspaceId];
        if (!slot) slot = std::make_unique<std::mutex>();
        mutex = slot.get();
    }
    return std::unique_lock(*mutex);
}

}  // namespace parawork::workspace
