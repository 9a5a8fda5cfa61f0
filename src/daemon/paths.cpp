// Resolving is pure so it can be tested with a fake environment; preparing touches the disk and
// is strict about the runtime directory, because whoever controls it controls the socket.
#include "daemon/paths.hpp"

#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/error.hpp"

namespace parawork::daemon {
namespace {

namespace fs = std::filesystem;

/// Normalises and drops a trailing slash, so "/a/b/" and "/a/b" name the same dirs.
fs::path clean(const fs::path& p) {
    fs::path n = p.lexically_normal();
    if (!n.has_filename() && n.has_relative_path()) n = n.parent_path();
    return n;
}

/// An XDG variable's value, or nullopt when unset, empty or relative (XDG: "If an implementation
/// encounters a relative path in any of these variables it should consider the path invalid").
std::optional<fs::path> xdgDir(const GetEnv& env, std::string_view name) {
    auto value = env(name);
    if (!value || value->empty() || !fs::path(*value).is_absolute()) return std::nullopt;
    return clean(*value);
}

fs::path userHome(const GetEnv& env) {
    auto home = env("HOME");
    if (!home || home->empty() || !fs::path(*home).is_absolute())
        throw core::Error(
            "HOME is not set to an absolute path, so parawork cannot find its directories; set "
            "HOME, or pick a directory with --home or PARAWORK_HOME");
    return clean(*home);
}

std::string modeText(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

void checkSocketLength(const Paths& paths) {
    const std::string socket = paths.socketFile().string();
    constexpr std::size_t kMax = sizeof(sockaddr_un{}.sun_path) - 1;  // room for the NUL
    if (socket.size() > kMax)
        throw core::Error("the control socket path " + socket + " is " +
                          std::to_string(socket.size()) + " bytes long, but a unix socket path " +
                          "may have at most " + std::to_string(kMax) +
                          "; use a shorter --home / PARAWORK_HOME (or XDG_RUNTIME_DIR)");
}

/// mkdir -p, creating each missing directory with mode 0700. Existing directories (and
/// symlinks to directories, such as a linked ~/.config) are left exactly as they are.
void makeDirs(const fs::path& dir) {
    fs::path partial;
    for (const fs::path& part : dir) {
        partial /= part;
        struct stat st {};
        if (::stat(partial.c_str(), &st) == 0) {
            if (S_ISDIR(st.st_mode)) continue;
            throw core::Error("cannot create directory " + dir.string() + ": " + partial.string() +
                              " exists and is not a directory");
        }
        if (errno != ENOENT)
            core::throwErrno("cannot create directory " + dir.string() + " (at " +
                             partial.string() + ")");
        if (::mkdir(partial.c_str(), 0700) != 0) {
            if (errno == EEXIST) continue;  // someone raced us to it; fine
            core::throwErrno("cannot create directory " + partial.string());
        }
        // We made it, so we may fix what an unusual umask took away.
        if (::chmod(partial.c_str(), 0700) != 0)
            core::throwErrno("cannot set mode 0700 on " + partial.string());
    }
}

void requireWritable(const fs::path& dir) {
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
        core::throwErrno("cannot write to directory " + dir.string());
}

/// The runtime dir holds the control socket, whose permissions are the CLI's authentication
/// (DESIGN §7). A directory someone else made (in /tmp, say) could let them swap the socket.
void prepareRuntimeDir(const fs::path& dir) {
    makeDirs(dir.parent_path());
    if (::mkdir(dir.c_str(), 0700) == 0) {
        if (::chmod(dir.c_str(), 0700) != 0)
            core::throwErrno("cannot set mode 0700 on " + dir.string());
    } else if (errno != EEXIST) {
        core::throwErrno("cannot create runtime directory " + dir.string());
    }
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0)
        core::throwErrno("cannot inspect runtime directory " + dir.string());
    if (!S_ISDIR(st.st_mode))
        throw core::Error("runtime directory " + dir.string() +
                          " is not a directory (a symlink or file is in the way); remove it and "
                          "start again");
    const uid_t me = ::geteuid();
    if (st.st_uid != me)
        throw core::Error(
            "runtime directory " + dir.string() + " is owned by uid " + std::to_string(st.st_uid) +
            ", not by you (uid " + std::to_string(me) +
            "), so someone else could replace the daemon's socket; have it removed, " +
            "or point XDG_RUNTIME_DIR or PARAWORK_HOME elsewhere");
    if ((st.st_mode & 0777) != 0700)
        throw core::Error("runtime directory " + dir.string() + " has mode " +
                          modeText(st.st_mode) +
                          " but must be 0700 (no access for group or others), because it holds " +
                          "the daemon's control socket; run: chmod 700 " + dir.string());
    requireWritable(dir);
}

}  // namespace

GetEnv processEnv() {
    return [](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
    };
}

Paths resolvePaths(std::optional<std::filesystem::path> home, const GetEnv& env) {
    if (!home || home->empty()) {
        auto fromEnv = env("PARAWORK_HOME");
        if (fromEnv && !fromEnv->empty()) home = fs::path(*fromEnv);
    }
    if (home && !home->empty()) {
        fs::path h = clean(home->is_absolute() ? *home : fs::current_path() / *home);
        return Paths{h / "config", h / "data", h / "run", h / "workspaces"};
    }
    Paths paths;
    auto config = xdgDir(env, "XDG_CONFIG_HOME");
    auto data = xdgDir(env, "XDG_DATA_HOME");
    auto runtime = xdgDir(env, "XDG_RUNTIME_DIR");
    paths.configDir = (config ? *config : userHome(env) / ".config") / "parawork";
    paths.dataDir = (data ? *data : userHome(env) / ".local" / "share") / "parawork";
    paths.runtimeDir = runtime ? *runtime / "parawork"
                               : fs::path("/tmp") / ("parawork-" + std::to_string(::geteuid()));
    paths.worktreeBase = userHome(env) / ".parawork" / "workspaces";
    return paths;
}

void preparePaths(const Paths& paths) {
    checkSocketLength(paths);
    for (const fs::path& dir :
         {paths.configDir, paths.dataDir, paths.sessionsDir(), paths.logFile().parent_path()})
        makeDirs(dir);
    requireWritable(paths.dataDir);
    prepareRuntimeDir(paths.runtimeDir);
}

}  // namespace parawork::daemon
