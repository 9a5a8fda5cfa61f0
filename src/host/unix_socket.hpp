// Unix stream sockets by path, for the host's listening socket and its clients. Paths longer than
// sun_path (108 bytes) are reached through /proc/self/fd/<dirfd>/<name>, so deep session
// directories still work.
#pragma once

#include <chrono>
#include <filesystem>

#include "core/unique_fd.hpp"

namespace parawork::host {

/// Binds and listens on `path` with mode 0600 (a stale file there is replaced: the caller holds
/// the session lock). The socket is non-blocking and close-on-exec. Throws core::Error.
core::UniqueFd listenUnix(const std::filesystem::path& path, int backlog);

/// Connects to `path` (blocking, close-on-exec), giving up after `timeout`. Throws core::Error.
core::UniqueFd connectUnix(const std::filesystem::path& path, std::chrono::milliseconds timeout);

}  // namespace parawork::host
