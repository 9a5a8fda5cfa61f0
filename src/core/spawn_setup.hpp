// posix_spawn's two C attribute objects as one RAII value, destroyed on every path. Each
// spawner (git, tool versions, exec) adds its own file actions and attributes.
#pragma once

#include <signal.h>
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

    /// The child in its own process group (a timeout kills everything it started), with the
    /// default disposition for every signal and none blocked, whatever the daemon's threads set
    /// (an ignored SIGPIPE would otherwise survive exec).
    void ownProcessGroupWithDefaultSignals() {
        sigset_t all, none;
        sigfillset(&all);
        sigemptyset(&none);
        posix_spawnattr_setpgroup(&attr, 0);
        posix_spawnattr_setsigdefault(&attr, &all);
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setflags(
            &attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    }
};

}  // namespace parawork::core
