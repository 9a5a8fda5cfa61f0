// Listening on and connecting to unix sockets by path (see unix_socket.hpp).
#include "host/unix_socket.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "core/error.hpp"

namespace parawork::host {
namespace {

/// A sockaddr_un for `path`, plus the directory descriptor that keeps a long path reachable.
struct SocketAddress {
    sockaddr_un addr{};
    core::UniqueFd dirFd;
};

SocketAddress addressFor(const std::filesystem::path& path) {
    SocketAddress out;
    out.addr.sun_family = AF_UNIX;
    std::string text = path.string();
    if (text.size() >= sizeof out.addr.sun_path) {
        out.dirFd.reset(::open(path.parent_path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!out.dirFd) core::throwErrno("cannot open " + path.parent_path().string());
        text = "/proc/self/fd/" + std::to_string(out.dirFd.get()) + "/" + path.filename().string();
        if (text.size() >= sizeof out.addr.sun_path)
            throw core::Error("socket name too long: " + path.string());
    }
    std::memcpy(out.addr.sun_path, text.c_str(), text.size() + 1);
    return out;
}

}  // namespace

core::UniqueFd listenUnix(const std::filesystem::path& path, int backlog) {
    SocketAddress address = addressFor(path);
    core::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) core::throwErrno("socket");
    if (::unlink(path.c_str()) < 0 && errno != ENOENT)
        core::throwErrno("cannot remove stale " + path.string());
    // The umask makes the socket 0600 from its creation; chmod states it explicitly.
    mode_t old = ::umask(077);
    int rc =
        ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address.addr), sizeof address.addr);
    int err = errno;
    ::umask(old);
    if (rc < 0) core::throwErrno("cannot bind " + path.string(), err);
    if (::chmod(path.c_str(), 0600) < 0) core::throwErrno("chmod " + path.string());
    if (::listen(fd.get(), backlog) < 0) core::throwErrno("listen on " + path.string());
    return fd;
}

core::UniqueFd connectUnix(const std::filesystem::path& path, std::chrono::milliseconds timeout) {
    SocketAddress address = addressFor(path);
    core::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) core::throwErrno("socket");
    // A blocking connect waits while the listener's backlog is full; SO_SNDTIMEO bounds it.
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0)
        core::throwErrno("setsockopt SO_SNDTIMEO");
    while (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address.addr),
                     sizeof address.addr) < 0) {
        if (errno == EINTR) continue;
        core::throwErrno("cannot connect to " + path.string());
    }
    return fd;
}

}  // namespace parawork::host
