// Claiming a session directory (see session_dir.hpp).
#include "host/session_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "core/error.hpp"
#include "host/fd_io.hpp"

namespace parawork::host {

SessionDirLock SessionDirLock::acquire(const std::filesystem::path& dir) {
    SessionPaths paths{dir};
    if (::mkdir(dir.c_str(), 0700) < 0 && errno != EEXIST)
        core::throwErrno("cannot create session directory " + dir.string());
    struct stat st {};
    if (::stat(dir.c_str(), &st) < 0)
        core::throwErrno("cannot use session directory " + dir.string());
    if (!S_ISDIR(st.st_mode)) throw core::Error(dir.string() + " is not a directory");
    if (st.st_uid != ::geteuid())
        throw core::Error("session directory " + dir.string() + " belongs to another user");
    // The socket inside is the host's authentication (DESIGN §7): nobody else may reach it.
    if ((st.st_mode & 077) != 0 && ::chmod(dir.c_str(), 0700) < 0)
        core::throwErrno("cannot restrict session directory " + dir.string());
    if (::access(paths.exitFile().c_str(), F_OK) == 0)
        throw core::Error("session directory " + dir.string() +
                          " holds a finished session (exit.json exists)");

    core::UniqueFd fd(::open(paths.pidFile().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd) core::throwErrno("cannot open " + paths.pidFile().string());
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) < 0) {
        if (errno != EWOULDBLOCK) core::throwErrno("cannot lock " + paths.pidFile().string());
        std::string pid = readUpTo(fd.get(), 32, "read " + paths.pidFile().string());
        while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
        throw core::Error("another parawork-host (pid " + (pid.empty() ? "?" : pid) +
                          ") is running in " + dir.string());
    }
    return SessionDirLock(std::move(fd));
}

void SessionDirLock::writePid(pid_t pid) {
    std::string text = std::to_string(pid) + "\n";
    if (::ftruncate(fd_.get(), 0) < 0) core::throwErrno("truncate host.pid");
    if (::pwrite(fd_.get(), text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()))
        core::throwErrno("write host.pid");
}

}  // namespace parawork::host
