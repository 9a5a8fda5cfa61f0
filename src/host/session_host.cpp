// The session host's loop, PTY drain and command lifecycle (see session_host.hpp).
#include "host/session_host.hpp"

#include <malloc.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "host/descendants.hpp"
#include "host/unix_socket.hpp"

namespace parawork::host {
namespace {

/// One read of the PTY master; also the unit in which output reaches the log.
constexpr std::size_t kReadChunk = 64 * 1024;
/// Bytes drained per loop iteration before signals and clients get a turn.
constexpr std::size_t kMaxDrainPerIteration = 1024 * 1024;
/// Bytes the screen model parses per idle moment: ~1 ms of libvterm, so a flood that resumes
/// finds the PTY drained again quickly.
constexpr std::size_t kScreenSlice = 16 * 1024;
/// How often the loop looks at a screen worker that takes no more output.
constexpr int kCongestedWakeMs = 100;

/// Diagnostics go to host.log (the detached host's stderr).
void logLine(const std::string& text) {
    std::fprintf(stderr, "%lld parawork-host: %s\n", static_cast<long long>(core::nowMs()),
                 text.c_str());
    std::fflush(stderr);
}

/// Becomes the reaper of the session's orphans and takes SIGCHLD/SIGTERM/SIGINT as readable
/// events. SIGHUP and SIGPIPE are ignored: the host has no terminal, and a client that goes away
/// is noticed through send's EPIPE (MSG_NOSIGNAL) instead.
core::UniqueFd takeOverSignals() {
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) core::throwErrno("prctl(PR_SET_CHILD_SUBREAPER)");
    std::signal(SIGHUP, SIG_IGN);
    std::signal(SIGPIPE, SIG_IGN);
    sigset_t mask;
    ::sigemptyset(&mask);
    for (int sig : {SIGCHLD, SIGTERM, SIGINT}) ::sigaddset(&mask, sig);
    if (::sigprocmask(SIG_BLOCK, &mask, nullptr) < 0) core::throwErrno("sigprocmask");
    core::UniqueFd fd(::signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC));
    if (!fd) core::throwErrno("signalfd");
    return fd;
}

int waitStatusFrom(const siginfo_t& info) {
    if (info.si_code == CLD_EXITED) return (info.si_status & 0xff) << 8;
    return (info.si_status & 0x7f) | (info.si_code == CLD_DUMPED ? 0x80 : 0);
}

}  // namespace

SessionHost::SessionHost(SessionHostConfig config)
    : config_(std::move(config)),
      log_(config_.paths.logDir(), config_.log),
      tracker_(config_.size.cols, config_.size.rows, log_.endOffset(), {},
               std::move(config_.screenWorker)),
      signalFd_(takeOverSignals()),
      listenFd_(listenUnix(config_.paths.socket(), 16)),
      readBuffer_(new char[kReadChunk]) {
    SpawnRequest request{config_.command, config_.env,        config_.cwd,
                         config_.size,    config_.childUmask, config_.cgroupProcFiles};
    startedAtMs_ = core::nowMs();
    child_ = spawnInPty(request);
}

SessionHost::~SessionHost() {
    // A socket file without a listener only makes clients wait for a refusal; exit.json tells
    // what happened. host.pid stays (unlocked): liveness is a successful connect, not a pid.
    ::unlink(config_.paths.socket().c_str());
}

void SessionHost::run() {
    std::vector<pollfd> fds;
    std::vector<ClientConnection*> polled;
    while (!done_) {
        fds.clear();
        polled.clear();
        fds.push_back({signalFd_.get(), POLLIN, 0});
        fds.push_back({listenFd_.get(), POLLIN, 0});
        short masterEvents = static_cast<short>(POLLIN | (pendingInput_.empty() ? 0 : POLLOUT));
        fds.push_back({masterOpen_ ? child_.master.get() : -1, masterEvents, 0});
        fds.push_back({child_.pidfd.get(), POLLIN, 0});  // -1 once reaped: poll ignores it
        fds.push_back(
            {tracker_.screenFd(), static_cast<short>(tracker_.screenHasOutbox() ? POLLOUT : 0), 0});
        for (auto& client : clients_) {
            fds.push_back(
                {client.fd(), static_cast<short>(POLLIN | (client.hasUnsent() ? POLLOUT : 0)), 0});
            polled.push_back(&client);
        }
        int n = ::poll(fds.data(), fds.size(), pollTimeoutMs(Clock::now()));
        if (n < 0 && errno != EINTR) core::throwErrno("poll");

        // The drain path first, always (DESIGN §4.1).
        std::size_t drained = 0;
        if (masterOpen_ && (fds[2].revents & (POLLIN | POLLHUP | POLLERR))) drained = drainPty();
        if (masterOpen_ && (fds[2].revents & POLLOUT)) writePendingInput();
        if (fds[0].revents & POLLIN) readSignals();
        if (child_.pidfd && (fds[3].revents & POLLIN)) onPidfdReadable();
        if (fds[1].revents & POLLIN) acceptClients();
        if (fds[4].revents != 0) tracker_.onScreenEvents(fds[4].revents);
        for (std::size_t i = 0; i < polled.size(); ++i)
            if (fds[5 + i].revents != 0) serviceClient(*polled[i]);
        for (auto& client : clients_)
            if (client.needsFlush()) client.flush(log_.endOffset());
        clients_.remove_if([](const ClientConnection& c) { return c.closed(); });

        // The screen model only gets the moments when the PTY had nothing for us.
        if (drained == 0 && tracker_.behind()) tracker_.catchUp(kScreenSlice);
        if (!tracker_.behind() && tracker_.skips() != trimmedAtSkips_) {
            // A flood is over: give its buffers back so the host stays small (DESIGN §3).
            ::malloc_trim(0);
            trimmedAtSkips_ = tracker_.skips();
        }
        advancePhase(Clock::now());
    }
}

int SessionHost::pollTimeoutMs(Clock::time_point now) const {
    // Behind: parse now, unless the screen worker is full (POLLOUT wakes us; the timeout only
    // lets a worker that stopped taking output be found out).
    if (tracker_.behind() && !tracker_.screenCongested()) return 0;
    std::optional<Clock::time_point> next;
    auto consider = [&](Clock::time_point t) {
        if (!next || t < *next) next = t;
    };
    if (tracker_.behind()) consider(now + std::chrono::milliseconds(kCongestedWakeMs));
    if (phase_ == Phase::Draining) consider(drainDeadline_);
    if (phase_ == Phase::Finished) {
        if (!killDone_) consider(killDeadline_);
        consider(lingerDeadline_);
    }
    if (!next) return -1;
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(*next - now).count();
    return static_cast<int>(std::max<long long>(ms, 0));
}

std::size_t SessionHost::drainPty() {
    std::size_t total = 0;
    while (total < kMaxDrainPerIteration) {
        ssize_t n = ::read(child_.master.get(), readBuffer_.get(), kReadChunk);
        if (n > 0) {
            appendOutput(std::string_view(readBuffer_.get(), static_cast<std::size_t>(n)));
            total += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        // EIO: no process has the terminal open any more. Nothing more will come.
        if (n < 0 && errno != EIO) logLine(std::string("PTY read: ") + std::strerror(errno));
        masterOpen_ = false;
        break;
    }
    return total;
}

void SessionHost::appendOutput(std::string_view bytes) {
    std::uint64_t before = log_.endOffset();
    try {
        log_.append(bytes);
    } catch (const core::Error& e) {
        // Keep draining whatever happens to the disk: a blocked PTY would stall the agent.
        if (logWriteFailures_++ == 0) logLine(std::string(e.what()) + " (output is being lost)");
    }
    // The screen sees exactly the bytes that reached the log, so its offsets stay true.
    tracker_.append(bytes.substr(0, static_cast<std::size_t>(log_.endOffset() - before)));
    for (auto& client : clients_) client.noteOutput();
}

void SessionHost::writePendingInput() {
    while (pendingInputPos_ < pendingInput_.size()) {
        ssize_t n = ::write(child_.master.get(), pendingInput_.data() + pendingInputPos_,
                            pendingInput_.size() - pendingInputPos_);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;  // POLLOUT will bring us back
            break;  // the terminal is gone: the input has nowhere to go
        }
        pendingInputPos_ += static_cast<std::size_t>(n);
    }
    pendingInput_.clear();
    pendingInputPos_ = 0;
}

void SessionHost::readSignals() {
    signalfd_siginfo info{};
    while (::read(signalFd_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        if (info.ssi_signo == SIGCHLD) reapChildren();
        if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT) onTerminateRequest();
    }
}

void SessionHost::reapChildren() {
    // Orphans of the session are ours to reap (we are their subreaper): no zombies.
    int status = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0)
        if (pid == child_.pid) onChildStatus(status);
}

void SessionHost::onPidfdReadable() {
    siginfo_t info{};
    if (::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(child_.pidfd.get()), &info,
                 WEXITED | WNOHANG) == 0 &&
        info.si_pid == child_.pid)
        onChildStatus(waitStatusFrom(info));
    // Otherwise (ECHILD) the SIGCHLD path reaped it first and already recorded the status.
    child_.pidfd.reset();
}

void SessionHost::onChildStatus(int waitStatus) {
    if (phase_ != Phase::Running) return;
    waitStatus_ = waitStatus;
    exitedAtMs_ = core::nowMs();
    phase_ = Phase::Draining;
    drainDeadline_ = Clock::now() + kDrainAfterExit;
    child_.pidfd.reset();
}

void SessionHost::advancePhase(Clock::time_point now) {
    if (phase_ == Phase::Draining && (!masterOpen_ || now >= drainDeadline_)) finishSession();
    if (phase_ != Phase::Finished) return;
    if (!killDone_ && now >= killDeadline_) {
        std::size_t left = killAllChildren(std::chrono::milliseconds(200), tracker_.screenPid());
        if (left > 0) logLine(std::to_string(left) + " descendants survived SIGKILL");
        killDone_ = true;
    }
    if (killDone_ && now >= lingerDeadline_) done_ = true;
}

void SessionHost::finishSession() {
    exit_ = exitRecordFromWaitStatus(waitStatus_, child_.execErrno.has_value(), startedAtMs_,
                                     exitedAtMs_);
    try {
        writeExitRecordFile(config_.paths.exitFile(), *exit_);
    } catch (const core::Error& e) {
        logLine(e.what());
    }
    if (logWriteFailures_ > 0)
        logLine(std::to_string(logWriteFailures_) + " output log writes failed in this session");
    std::string record = encodeExitRecord(*exit_);
    for (auto& client : clients_) {
        if (!client.watching()) continue;
        client.sendOutputAvailable(log_.endOffset());
        client.send(MessageType::Exited, record);
    }
    // The session is over: what it left behind is hung up, like a closed terminal window, and
    // killed kKillGrace later.
    ::killpg(child_.pid, SIGHUP);
    std::size_t left = signalChildren(SIGHUP, tracker_.screenPid());
    signalChildren(SIGCONT, tracker_.screenPid());
    ::killpg(child_.pid, SIGCONT);
    killDone_ = left == 0;
    phase_ = Phase::Finished;
    killDeadline_ = Clock::now() + kKillGrace;
    lingerDeadline_ = Clock::now() + config_.linger;
}

void SessionHost::onTerminateRequest() {
    // SIGTERM to the host ends the session: TERM and HUP to the command's group (as the daemon's
    // stop does: an interactive shell ignores TERM), KILL on the second.
    ++terminateRequests_;
    if (phase_ == Phase::Running && terminateRequests_ == 1) {
        ::killpg(child_.pid, SIGTERM);
        ::killpg(child_.pid, SIGHUP);
    } else if (phase_ == Phase::Running) {
        ::killpg(child_.pid, SIGKILL);
    } else if (phase_ == Phase::Finished)
        lingerDeadline_ = Clock::now();
}

}  // namespace parawork::host
