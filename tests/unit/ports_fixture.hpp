// Real sockets and process trees for the ports tests: a loopback listener owned by the test, and
// a forked tree whose grandchild listens, kept alive until the fixture is destroyed.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <optional>

#include <gtest/gtest.h>

namespace parawork::ports::test {

/// A TCP socket bound to the loopback address of `family` on an ephemeral port. Async-signal-safe
/// (it runs in forked children too). Returns -1 on failure.
inline int openLoopbackSocket(int family, bool listening) {
    int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int rc;
    if (family == AF_INET) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        rc = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    } else {
        sockaddr_in6 a{};
        a.sin6_family = AF_INET6;
        a.sin6_addr = in6addr_loopback;
        rc = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    }
    if (rc != 0 || (listening && ::listen(fd, 4) != 0)) {
        ::close(fd);
        return -1;
    }
    return fd;
}

inline std::uint16_t localPort(int fd) {
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) return 0;
    return a.ss_family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in*>(&a)->sin_port)
                                  : ntohs(reinterpret_cast<sockaddr_in6*>(&a)->sin6_port);
}

inline std::uint64_t inodeOf(int fd) {
    struct stat st {};
    return ::fstat(fd, &st) == 0 ? st.st_ino : 0;
}

/// A listening (or merely bound) loopback socket owned by the test; closed on destruction.
class TestSocket {
  public:
    TestSocket(int family, bool listening = true) : fd_(openLoopbackSocket(family, listening)) {}
    ~TestSocket() { close(); }
    TestSocket(const TestSocket&) = delete;
    TestSocket& operator=(const TestSocket&) = delete;

    bool ok() const { return fd_ >= 0; }
    int fd() const { return fd_; }
    std::uint16_t port() const { return localPort(fd_); }
    std::uint64_t inode() const { return inodeOf(fd_); }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

  private:
    int fd_;
};

/// What a forked tree's listener reports back.
struct ChildListener {
    pid_t pid = 0;
    std::uint16_t port = 0;
    std::uint64_t inode = 0;
};

/// A forked child that, when asked, forks a grandchild listening on 127.0.0.1:0. Both stay alive
/// until the tree is destroyed (the release pipe closes). The forked code is async-signal-safe.
class ProcessTree {
  public:
    explicit ProcessTree(bool grandchildListens) {
        int report[2];
        int release[2];
        if (::pipe2(report, O_CLOEXEC) != 0 || ::pipe2(release, O_CLOEXEC) != 0) return;
        releaseWrite_ = release[1];
        root_ = ::fork();
        if (root_ == 0) {
            ::close(report[0]);
            ::close(release[1]);
            if (grandchildListens) {
                pid_t grandchild = ::fork();
                if (grandchild == 0) {
                    int fd = openLoopbackSocket(AF_INET, true);
                    ChildListener l{::getpid(), localPort(fd), inodeOf(fd)};
                    if (::write(report[1], &l, sizeof l) != sizeof l) ::_exit(1);
                    waitForRelease(release[0]);
                    ::_exit(0);
                }
                ::close(report[1]);
                waitForRelease(release[0]);
                ::waitpid(grandchild, nullptr, 0);
                ::_exit(0);
            }
            ChildListener none{};
            if (::write(report[1], &none, sizeof none) != sizeof none) ::_exit(1);
            waitForRelease(release[0]);
            ::_exit(0);
        }
        ::close(report[1]);
        ::close(release[0]);
        ssize_t got;
        do {
            got = ::read(report[0], &listener_, sizeof listener_);
        } while (got < 0 && errno == EINTR);
        ::close(report[0]);
        ready_ = got == sizeof listener_;
    }

    ~ProcessTree() {
        if (releaseWrite_ >= 0) ::close(releaseWrite_);
        if (root_ > 0) ::waitpid(root_, nullptr, 0);
    }
    ProcessTree(const ProcessTree&) = delete;
    ProcessTree& operator=(const ProcessTree&) = delete;

    bool ready() const { return ready_; }
    pid_t root() const { return root_; }
    const ChildListener& listener() const { return listener_; }

  private:
    static void waitForRelease(int fd) {
        char byte;
        while (::read(fd, &byte, 1) < 0 && errno == EINTR) {
        }
    }

    pid_t root_ = -1;
    int releaseWrite_ = -1;
    ChildListener listener_;
    bool ready_ = false;
};

}  // namespace parawork::ports::test
