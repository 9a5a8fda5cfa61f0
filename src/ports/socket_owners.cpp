// Mapping listening sockets to session process trees through /proc (see the header).
#include "ports/socket_owners.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <memory>
#include <string>
#include <unordered_set>

#include "core/error.hpp"
#include "core/parse_number.hpp"
#include "core/unique_fd.hpp"

namespace parawork::ports {
namespace {

using DirPtr = std::unique_ptr<DIR, int (*)(DIR*)>;

// /proc/<pid>/stat is a single line well under this size (comm is at most 16 bytes); the ppid
// sits in the first hundred bytes, so a read of this size always reaches it.
constexpr std::size_t kStatReadBytes = 512;

bool parsePid(std::string_view text, pid_t& pid) {
    std::optional<pid_t> parsed = core::parseNumber<pid_t>(text);
    if (!parsed || *parsed <= 0) return false;
    pid = *parsed;
    return true;
}

/// Reads up to `size` bytes of a file under `dir`; an empty string if it is gone or unreadable.
std::string readSmallFile(int dir, const char* path, std::size_t size) {
    core::UniqueFd fd(::openat(dir, path, O_RDONLY | O_CLOEXEC));
    if (!fd) return {};
    std::string text(size, '\0');
    ssize_t got;
    do {
        got = ::read(fd.get(), text.data(), text.size());
    } while (got < 0 && errno == EINTR);
    text.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
    return text;
}

/// parent pid -> its children, built once per scan and shared by every tree.
using ChildrenIndex = std::unordered_map<pid_t, std::vector<pid_t>>;

ChildrenIndex childrenIndex(const ParentTable& table) {
    ChildrenIndex children;
    for (const auto& [pid, ppid] : table) children[ppid].push_back(pid);
    return children;
}

std::vector<pid_t> processTree(const ChildrenIndex& children, const ParentTable& table,
                               pid_t root) {
    if (!table.contains(root)) return {};
    std::vector<pid_t> tree{root};
    // The table is read process by process while processes come and go, so a reused pid could in
    // theory close a loop: `seen` keeps the walk finite.
    std::unordered_set<pid_t> seen{root};
    for (std::size_t i = 0; i < tree.size(); ++i) {
        auto found = children.find(tree[i]);
        if (found == children.end()) continue;
        for (pid_t child : found->second)
            if (seen.insert(child).second) tree.push_back(child);
    }
    return tree;
}

}  // namespace

pid_t parseParentPid(std::string_view statText) {
    std::size_t close = statText.rfind(')');
    if (close == std::string_view::npos) return -1;
    std::string_view rest = statText.substr(close + 1);  // " S 123 ..."
    if (rest.size() < 4 || rest[0] != ' ' || rest[2] != ' ') return -1;
    rest.remove_prefix(3);
    pid_t ppid = -1;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), ppid);
    if (ec != std::errc() || (end != rest.data() + rest.size() && *end != ' ')) return -1;
    return ppid;
}

ParentTable readParentTable() {
    DirPtr proc(::opendir("/proc"), &::closedir);
    if (!proc) core::throwErrno("listing /proc");
    int procFd = ::dirfd(proc.get());
    ParentTable table;
    while (dirent* entry = ::readdir(proc.get())) {
        pid_t pid = 0;
        if (!parsePid(entry->d_name, pid)) continue;
        std::string path = std::string(entry->d_name) + "/stat";
        pid_t ppid = parseParentPid(readSmallFile(procFd, path.c_str(), kStatReadBytes));
        if (ppid >= 0) table.emplace(pid, ppid);
    }
    return table;
}

std::vector<pid_t> processTree(const ParentTable& table, pid_t root) {
    return processTree(childrenIndex(table), table, root);
}

std::uint64_t parseSocketLink(std::string_view target) {
    constexpr std::string_view prefix = "socket:[";
    if (!target.starts_with(prefix) || !target.ends_with(']')) return 0;
    std::string_view digits = target.substr(prefix.size(), target.size() - prefix.size() - 1);
    return core::parseNumber<std::uint64_t>(digits).value_or(0);
}

std::vector<std::uint64_t> socketInodesOf(pid_t pid) {
    std::string path = "/proc/" + std::to_string(pid) + "/fd";
    DirPtr dir(::opendir(path.c_str()), &::closedir);
    if (!dir) return {};  // exited, or not ours to read
    int dirFd = ::dirfd(dir.get());
    std::vector<std::uint64_t> inodes;
    char target[64];  // "socket:[" + 20 digits + "]" fits; longer targets are not sockets
    while (dirent* entry = ::readdir(dir.get())) {
        if (entry->d_name[0] == '.') continue;
        ssize_t n = ::readlinkat(dirFd, entry->d_name, target, sizeof target);
        if (n <= 0 || static_cast<std::size_t>(n) == sizeof target) continue;
        if (std::uint64_t inode = parseSocketLink(std::string_view(target, n))) {
            inodes.push_back(inode);
        }
    }
    return inodes;
}

std::vector<TreeSockets> listeningSocketsByTree(const std::vector<pid_t>& roots,
                                                const std::vector<ListeningSocket>& listening) {
    std::vector<TreeSockets> result;
    result.reserve(roots.size());
    for (pid_t root : roots) result.push_back(TreeSockets{.root = root});
    if (listening.empty() || roots.empty()) return result;

    std::unordered_map<std::uint64_t, const ListeningSocket*> byInode;
    for (const auto& socket : listening) byInode.emplace(socket.inode, &socket);

    ParentTable table = readParentTable();
    ChildrenIndex children = childrenIndex(table);
    std::unordered_map<pid_t, std::vector<std::uint64_t>> fdsRead;  // each pid's fds read once
    for (TreeSockets& tree : result) {
        std::unordered_map<std::uint64_t, OwnedSocket> owned;
        for (pid_t pid : processTree(children, table, tree.root)) {
            auto [it, fresh] = fdsRead.try_emplace(pid);
            if (fresh) it->second = socketInodesOf(pid);
            for (std::uint64_t inode : it->second) {
                auto socket = byInode.find(inode);
                if (socket == byInode.end()) continue;
                OwnedSocket& entry = owned[inode];
                entry.socket = *socket->second;
                entry.pids.push_back(pid);
            }
        }
        for (auto& [inode, entry] : owned) {
            std::sort(entry.pids.begin(), entry.pids.end());
            entry.pids.erase(std::unique(entry.pids.begin(), entry.pids.end()), entry.pids.end());
            tree.sockets.push_back(std::move(entry));
        }
        std::sort(tree.sockets.begin(), tree.sockets.end(), [](const auto& a, const auto& b) {
            return a.socket.port != b.socket.port ? a.socket.port < b.socket.port
                                                  : a.socket.inode < b.socket.inode;
        });
    }
    return result;
}

}  // namespace parawork::ports
