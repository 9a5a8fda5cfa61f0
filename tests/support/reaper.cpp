#include "support/reaper.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

extern char** environ;

namespace parawork::test {
namespace {

[[noreturn]] void fail(const std::string& what, int error = errno) {
    throw std::system_error(error, std::generic_category(), what);
}

/// A fd that is closed however the constructor leaves.
struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

Reaper::Reaper(pid_t daemon, const std::filesystem::path& home, bool removeHome) {
    Fd pidfd{static_cast<int>(::syscall(SYS_pidfd_open, daemon, 0))};
    if (pidfd.fd < 0) fail("pidfd_open");
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) fail("pipe2");
    Fd readEnd{ends[0]};
    releaseFd_ = ends[1];
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, readEnd.fd, 0);
    posix_spawn_file_actions_adddup2(&actions, pidfd.fd, 3);
    // Its own process group: a signal for the test's group (Ctrl-C) must not end it too.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    std::string program = PARAWORK_TEST_REAPER_BIN, homeArg = home.string();
    std::string removeArg = removeHome ? "1" : "0";
    char* argv[] = {program.data(), homeArg.data(), removeArg.data(), nullptr};
    int rc = posix_spawn(&reaper_, argv[0], &actions, &attributes, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (rc != 0) {
        ::close(releaseFd_);
        fail("posix_spawn " + program, rc);
    }
}

Reaper::~Reaper() {
    char done = 'd';
    [[maybe_unused]] auto n = ::write(releaseFd_, &done, 1);
    ::close(releaseFd_);
    int status = 0;
    while (::waitpid(reaper_, &status, 0) < 0 && errno == EINTR) {
    }
}

}  // namespace parawork::test
