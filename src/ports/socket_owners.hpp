// Which session owns which listening socket. sock_diag gives a socket's inode, not its process;
// a process holds the socket as an fd whose /proc/<pid>/fd link reads "socket:[inode]". A scan
// reads /proc/*/stat once to learn every process's parent, walks each session's tree from its
// root pid, and reads the fd directories of those pids only (~4.4 µs per fd, platform notes).
//
// Limits of a /proc walk: a process that double-forks away (re-parented to init or a subreaper
// outside the tree) is no longer in the tree; a cgroup per session would still see it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ports/listening_sockets.hpp"

namespace parawork::ports {

/// pid -> parent pid, for every process visible in /proc at one moment.
using ParentTable = std::unordered_map<pid_t, pid_t>;

/// Reads /proc/<pid>/stat of every process once. Processes that exit during the scan are left out.
/// Throws core::Error if /proc cannot be listed.
ParentTable readParentTable();

/// The parent pid from the text of /proc/<pid>/stat, or -1 if it is malformed. The comm field
/// may hold spaces and parentheses, so fields are counted from the last ')'.
pid_t parseParentPid(std::string_view statText);

/// `root` and all its descendants in `table`, root first (breadth-first). Empty if `root` is not
/// in the table (it has exited).
std::vector<pid_t> processTree(const ParentTable& table, pid_t root);

/// The socket inodes among the open fds of `pid`. Empty when the process has exited or its fds
/// are not readable (another user's process).
std::vector<std::uint64_t> socketInodesOf(pid_t pid);

/// The inode of a /proc/<pid>/fd link target "socket:[12345]", or 0 for anything else.
std::uint64_t parseSocketLink(std::string_view target);

/// A listening socket and the processes of one tree holding it (a socket inherited across fork
/// is held by several; sorted).
struct OwnedSocket {
    ListeningSocket socket;
    std::vector<pid_t> pids;
};

/// The listening sockets of one session's process tree.
struct TreeSockets {
    pid_t root = 0;
    std::vector<OwnedSocket> sockets;  ///< sorted by port, then inode
};

/// For each root (in order), the sockets among `listening` held by a process of its tree. One
/// /proc scan per call; only the fds of the trees' processes are read, and none at all when
/// `listening` is empty.
std::vector<TreeSockets> listeningSocketsByTree(const std::vector<pid_t>& roots,
                                                const std::vector<ListeningSocket>& listening);

}  // namespace parawork::ports
