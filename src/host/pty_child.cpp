// Forking the session's command into a PTY (see pty_child.hpp).
#include "host/pty_child.hpp"

#include <fcntl.h>
#include <pty.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <memory>

#include "core/error.hpp"
#include "core/pipe.hpp"
#include "host/exit_record.hpp"
#include "host/fd_io.hpp"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PARAWORK_SANITIZED_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define PARAWORK_SANITIZED_BUILD 1
#endif
#endif

namespace parawork::host {
namespace {

/// Where the child failed, reported to the parent through the status pipe.
struct ChildFailure {
    int stage;  // 1 = chdir, 2 = exec, 3 = joining a cgroup
    int err;
};

/// Everything the child touches, built before fork so that the child allocates nothing. The
/// pointer arrays point into the stores: not copyable or movable.
struct ExecPlan {
    std::vector<std::string> argvStore, envStore, shellStore;
    std::string cwdStore;
    std::vector<std::string> cgroups;     ///< cgroup.procs files to join
    std::vector<std::string> candidates;  ///< paths to try, in PATH order
    std::vector<char*> argv;
    std::vector<char*> envp;
    std::vector<char*> shellArgv;  ///< {"/bin/sh", <candidate>, args..., nullptr} for ENOEXEC
    const char* name = nullptr;    ///< the command as the user wrote it
    const char* cwd = nullptr;
    int maxFd = 0;  ///< for the close-on-exec fallback loop

    ExecPlan() = default;
    ExecPlan(const ExecPlan&) = delete;
    ExecPlan& operator=(const ExecPlan&) = delete;
};

std::vector<std::string> searchPath(const std::string& file, const std::vector<std::string>& env) {
    if (file.find('/') != std::string::npos) return {file};
    // Like execvp: the PATH of the environment the command gets, else the system default.
    std::string path = "/bin:/usr/bin";
    for (const auto& entry : env)
        if (entry.starts_with("PATH=")) path = entry.substr(5);
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find(':', start);
        if (end == std::string::npos) end = path.size();
        std::string dir = path.substr(start, end - start);
        out.push_back((dir.empty() ? std::string(".") : dir) + "/" + file);
        start = end + 1;
    }
    return out;
}

/// A message built in a fixed buffer: the child may not allocate or use stdio.
class ChildMessage {
  public:
    ChildMessage& add(const char* s) {
        while (s != nullptr && *s != '\0' && len_ < sizeof buf_) buf_[len_++] = *s++;
        return *this;
    }
    void writeTo(int fd) const { (void)!::write(fd, buf_, len_); }

  private:
    char buf_[1024];
    std::size_t len_ = 0;
};

/// strerrordesc_np reads a static table: no locale, no allocation, so it is safe after fork
/// (strerror is not: it may translate and allocate).
const char* describe(int err) {
    const char* text = ::strerrordesc_np(err);
    return text != nullptr ? text : "unknown error";
}

[[noreturn]] void failChild(int statusFd, int stage, int err, const char* what, const char* arg) {
    ChildMessage()
        .add("parawork: ")
        .add(what)
        .add(" '")
        .add(arg)
        .add("': ")
        .add(describe(err))
        .add("\n")
        .writeTo(2);
    ChildFailure failure{stage, err};
    (void)!::write(statusFd, &failure, sizeof failure);
    ::_exit(stage == 2 && (err == ENOENT || err == ENOTDIR) ? kExitNotFound : kExitCannotExecute);
}

/// Tries every candidate like execvp: ENOENT-like errors move on, EACCES is remembered, anything
/// else stops the search. Returns the errno to report.
int execCandidates(ExecPlan& plan) {
    bool sawAccess = false;
    for (auto& candidate : plan.candidates) {
        ::execve(candidate.c_str(), plan.argv.data(), plan.envp.data());
        int err = errno;
        if (err == ENOEXEC) {  // a script without #!: run it with sh, as execvp does
            plan.shellArgv[1] = candidate.data();
            ::execve("/bin/sh", plan.shellArgv.data(), plan.envp.data());
            err = errno;
        }
        if (err == EACCES) {
            sawAccess = true;
            continue;
        }
        if (err == ENOENT || err == ENOTDIR || err == ESTALE || err == ENODEV || err == ETIMEDOUT)
            continue;
        return err;
    }
    return sawAccess ? EACCES : ENOENT;
}

/// Moves the calling process into the cgroup whose cgroup.procs is `file` ("0" is the writer).
/// Returns 0 or the errno.
int joinCgroup(const char* file) {
    int fd = ::open(file, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    int err = ::write(fd, "0", 1) == 1 ? 0 : errno;
    ::close(fd);
    return err;
}

/// Every signal's disposition back to SIG_DFL and an empty mask, real-time signals included: an
/// ignored signal stays ignored across exec, and whoever started the daemon may have ignored
/// some. The raw system calls, because glibc's refuse the two real-time signals it reserves for
/// itself (32 and 33: EINVAL). An all-zero kernel sigaction is SIG_DFL with no flags and an empty
/// mask whatever the architecture's field order; the buffer is larger than any of them.
/// SIGKILL and SIGSTOP answer EINVAL, as they should.
void resetSignals() {
    const unsigned long defaultAction[8] = {};
    constexpr unsigned long kKernelSigsetBytes = (NSIG - 1) / 8;  // 64 signals: 8 bytes
    for (int sig = 1; sig < NSIG; ++sig)
        ::syscall(SYS_rt_sigaction, sig, defaultAction, nullptr, kKernelSigsetBytes);
    const unsigned long none[2] = {};
    ::syscall(SYS_rt_sigprocmask, SIG_SETMASK, none, nullptr, kKernelSigsetBytes);
}

/// The child between fork and exec: async-signal-safe calls only.
[[noreturn]] void runChild(ExecPlan& plan, int slave, int statusFd, mode_t mask) {
    resetSignals();

    if (::setsid() < 0 || ::ioctl(slave, TIOCSCTTY, 0) < 0) ::_exit(kExitCannotExecute);
    if (::dup2(slave, 0) < 0 || ::dup2(slave, 1) < 0 || ::dup2(slave, 2) < 0)
        ::_exit(kExitCannotExecute);
    if (slave > 2) ::close(slave);
    // Every inherited descriptor (≥ 3) closes at exec; the status pipe stays open until then.
    if (::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
        for (int fd = 3; fd < plan.maxFd; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    ::umask(mask);
    for (const auto& file : plan.cgroups)
        if (int err = joinCgroup(file.c_str()); err != 0)
            failChild(statusFd, 3, err, "cannot join the cgroup", file.c_str());
    if (::chdir(plan.cwd) < 0)
        failChild(statusFd, 1, errno, "cannot change directory to", plan.cwd);
    int err = execCandidates(plan);
    failChild(statusFd, 2, err, "cannot run", plan.name);
}

struct ChildStart {
    ExecPlan* plan;
    int slave;
    int statusFd;
    mode_t mask;
};

int childMain(void* arg) {
    auto* start = static_cast<ChildStart*>(arg);
    runChild(*start->plan, start->slave, start->statusFd, start->mask);
}

/// Starts the child like posix_spawn does: it borrows our memory until it has exec'd or failed
/// (CLONE_VM | CLONE_VFORK), so no page table is copied and nothing faults copy-on-write — most
/// of what a fork costs on a virtual machine. runChild allocates nothing and touches nothing of
/// ours but the plan. Sanitized builds fork: the sanitizers' shadow memory would be shared with
/// a child running instrumented code on a stack of its own.
pid_t startChild(ChildStart& start) {
#ifdef PARAWORK_SANITIZED_BUILD
    pid_t pid = ::fork();
    if (pid == 0) childMain(&start);
    return pid;
#else
    constexpr std::size_t kStackBytes = 64 * 1024;  // runChild needs a few KiB
    std::unique_ptr<char[]> stack(new char[kStackBytes]);
    return ::clone(childMain, stack.get() + kStackBytes, CLONE_VM | CLONE_VFORK | SIGCHLD, &start);
#endif
}

/// The kernel's default cooked termios, plus IUTF8 (backspace over multibyte characters) and
/// OPOST|ONLCR, which interactive agents expect.
void configureTerminal(int slave) {
    termios tio{};
    if (::tcgetattr(slave, &tio) < 0) core::throwErrno("tcgetattr");
    tio.c_iflag |= IUTF8;
    tio.c_oflag |= OPOST | ONLCR;
    if (::tcsetattr(slave, TCSANOW, &tio) < 0) core::throwErrno("tcsetattr");
}

std::vector<char*> pointersTo(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

std::optional<int> awaitExec(core::UniqueFd statusRead) {
    ChildFailure failure{};
    ssize_t n;
    do n = ::read(statusRead.get(), &failure, sizeof failure);
    while (n < 0 && errno == EINTR);
    if (n == static_cast<ssize_t>(sizeof failure)) return failure.err;
    return {};  // EOF: the exec succeeded and closed the pipe
}

}  // namespace

std::vector<std::string> childEnvironment(char** environ) {
    std::vector<std::string> env;
    bool haveTerm = false;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        env.emplace_back(*e);
        if (env.back().starts_with("TERM=")) haveTerm = true;
    }
    if (!haveTerm) env.emplace_back("TERM=xterm-256color");
    return env;
}

namespace {

void prepareExecPlan(ExecPlan& plan, const SpawnRequest& request) {
    plan.argvStore = request.argv;
    plan.envStore = request.env;
    plan.shellStore = {"/bin/sh", ""};
    plan.shellStore.insert(plan.shellStore.end(), request.argv.begin() + 1, request.argv.end());
    plan.cwdStore = request.cwd.string();
    for (const auto& file : request.cgroupProcFiles) plan.cgroups.push_back(file.string());
    plan.candidates = searchPath(request.argv.front(), request.env);
    plan.argv = pointersTo(plan.argvStore);
    plan.envp = pointersTo(plan.envStore);
    plan.shellArgv = pointersTo(plan.shellStore);
    plan.name = plan.argvStore.front().c_str();
    plan.cwd = plan.cwdStore.c_str();
    plan.maxFd = static_cast<int>(std::min<long>(::sysconf(_SC_OPEN_MAX), 65536));
}

/// A new PTY pair of `size`, both ends close-on-exec, the slave configured.
void openTerminal(WindowSize size, core::UniqueFd& master, core::UniqueFd& slave) {
    winsize ws{};
    ws.ws_col = size.cols;
    ws.ws_row = size.rows;
    int masterFd = -1, slaveFd = -1;
    if (::openpty(&masterFd, &slaveFd, nullptr, nullptr, &ws) < 0) core::throwErrno("openpty");
    master.reset(masterFd);
    slave.reset(slaveFd);
    if (::fcntl(masterFd, F_SETFD, FD_CLOEXEC) < 0 || ::fcntl(slaveFd, F_SETFD, FD_CLOEXEC) < 0)
        core::throwErrno("fcntl FD_CLOEXEC");
    configureTerminal(slaveFd);
}

}  // namespace

PtyChild spawnInPty(const SpawnRequest& request) {
    if (request.argv.empty() || request.argv.front().empty()) throw core::Error("empty command");
    ExecPlan plan;
    prepareExecPlan(plan, request);
    PtyChild child;
    core::UniqueFd slave;
    openTerminal(request.size, child.master, slave);
    auto [statusRead, statusWrite] = core::Pipe::open("pipe2");

    // All signals blocked across the start: the child must not run anything of ours before it
    // has reset dispositions and mask.
    sigset_t all, old;
    ::sigfillset(&all);
    ::sigprocmask(SIG_BLOCK, &all, &old);
    ChildStart start{&plan, slave.get(), statusWrite.get(), request.umask};
    pid_t pid = startChild(start);
    int forkErr = errno;
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    if (pid < 0) core::throwErrno("fork", forkErr);

    child.pid = pid;
    child.pidfd.reset(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    if (!child.pidfd && errno != ENOSYS) core::throwErrno("pidfd_open");
    slave.reset();
    statusWrite.reset();
    child.execErrno = awaitExec(std::move(statusRead));
    setNonBlocking(child.master.get());
    return child;
}

}  // namespace parawork::host
