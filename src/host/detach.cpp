// Detaching from the caller with a readiness pipe (see detach.hpp).
#include "host/detach.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "core/error.hpp"
#include "core/pipe.hpp"
#include "core/read_until.hpp"
#include "host/fd_io.hpp"

namespace parawork::host {
namespace {

void writeQuietly(int fd, std::string_view text) {
    try {
        writeAll(fd, text, "write");
    } catch (...) {
    }
}

/// Reads the report (at most 64 KiB) until EOF or the deadline; "" when nothing came.
std::string readReport(int fd, std::chrono::milliseconds timeout) {
    core::ReadResult read = core::readUntil(fd, core::ReadClock::now() + timeout, 64 * 1024);
    if (read.stop == core::ReadStop::deadline) return read.data + "\ntimeout";
    return read.data;
}

/// The foreground process: wait for the report, print it, exit.
[[noreturn]] void foreground(core::UniqueFd pipe, pid_t intermediate,
                             std::chrono::milliseconds timeout) {
    std::string report = readReport(pipe.get(), timeout);
    ::waitpid(intermediate, nullptr, 0);
    if (report.starts_with("ok ")) {
        writeQuietly(1, report.substr(3));
        ::_exit(0);
    }
    std::string message;
    if (report.starts_with("error ")) {
        message = report.substr(6);
    } else if (report.ends_with("\ntimeout")) {
        message =
            "the host did not become ready within " + std::to_string(timeout.count()) + " ms\n";
    } else {
        message = "the host exited during start-up\n";
    }
    writeQuietly(2, "parawork-host: " + message);
    ::_exit(1);
}

}  // namespace

void ReadinessReporter::ready(pid_t hostPid, pid_t childPid) {
    std::string json =
        "{\"pid\":" + std::to_string(hostPid) + ",\"childPid\":" + std::to_string(childPid) + "}\n";
    writeQuietly(out_.get(), err_ ? json : "ok " + json);
    out_.reset();
    err_.reset();
}

void ReadinessReporter::failed(std::string_view message) {
    if (err_)
        writeQuietly(err_.get(), "parawork-host: " + std::string(message) + "\n");
    else
        writeQuietly(out_.get(), "error " + std::string(message) + "\n");
    out_.reset();
    err_.reset();
}

ReadinessReporter detachFromCaller(std::chrono::milliseconds readyTimeout) {
    core::Pipe pipe = core::Pipe::open("pipe2");
    core::UniqueFd& writeEnd = pipe.write;
    std::fflush(nullptr);
    pid_t intermediate = ::fork();
    if (intermediate < 0) core::throwErrno("fork");
    if (intermediate > 0) {
        writeEnd.reset();
        foreground(std::move(pipe.read), intermediate, readyTimeout);
    }
    pipe.read.reset();
    if (::setsid() < 0) {
        ReadinessReporter::toForeground(std::move(writeEnd))
            .failed(std::string("setsid: ") + std::strerror(errno));
        ::_exit(1);
    }
    pid_t host = ::fork();
    if (host < 0) {
        ReadinessReporter::toForeground(std::move(writeEnd))
            .failed(std::string("fork: ") + std::strerror(errno));
        ::_exit(1);
    }
    if (host > 0) ::_exit(0);  // the intermediate: its only job was the setsid
    return ReadinessReporter::toForeground(std::move(writeEnd));
}

void detachNow() {
    std::fflush(nullptr);
    pid_t intermediate = ::fork();
    if (intermediate < 0) core::throwErrno("fork");
    if (intermediate > 0) {
        int status = 0;
        ::waitpid(intermediate, &status, 0);
        ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
    }
    if (::setsid() < 0) ::_exit(1);
    pid_t host = ::fork();
    if (host < 0) ::_exit(1);
    if (host > 0) ::_exit(0);
}

void ensureStdioOpen() {
    while (true) {
        int fd = ::open("/dev/null", O_RDWR);
        if (fd < 0) core::throwErrno("open /dev/null");
        if (fd > 2) {
            ::close(fd);
            return;
        }
    }
}

void redirectStdio(const char* logFile) {
    core::UniqueFd null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    core::UniqueFd log(::open(logFile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
    if (!null) core::throwErrno("open /dev/null");
    if (!log) core::throwErrno(std::string("open ") + logFile);
    if (::dup2(null.get(), 0) < 0 || ::dup2(log.get(), 1) < 0 || ::dup2(log.get(), 2) < 0)
        core::throwErrno("dup2");
}

}  // namespace parawork::host
