// posix_spawn's two C attribute objects as one RAII value, destroyed on every path. Each
// spawner (git, tool versions, exec) adds its own file actions and attributes.
#pragma once

#include <spawn.h>

namespace parawork::core {

struct SpawnSetup {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    SpawnSetup() {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attr);
    }
    ~SpawnSetup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
};

}  // namespace parawork::core
