#include "bare_pty.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

#include "core/error.hpp"

namespace parawork::bench {

BarePty::BarePty(const std::vector<std::string>& argv, int cols, int rows) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    winsize ws{};
    ws.ws_col = static_cast<unsigned short>(cols);
    ws.ws_row = static_cast<unsigned short>(rows);
    pid_ = ::forkpty(&master_, nullptr, nullptr, &ws);
    if (pid_ < 0) core::throwErrno("forkpty");
    if (pid_ == 0) {
        // The child: the same terminal settings as parawork-host gives its command.
        termios tio{};
        ::tcgetattr(0, &tio);
        tio.c_iflag |= IUTF8;
        tio.c_oflag |= OPOST | ONLCR;
        ::tcsetattr(0, TCSANOW, &tio);
        ::close_range(3, ~0U, 0);  // nothing of the benchmark (sockets, other PTYs) leaks in
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    ::fcntl(master_, F_SETFD, FD_CLOEXEC);
}

BarePty::~BarePty() {
    if (master_ >= 0) ::close(master_);
    if (pid_ > 0) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
        }
    }
}

std::uint64_t BarePty::drain(Clock::time_point& lastByte) {
    // 64 KiB is more than a PTY ever hands out at once (its buffer is 4 KiB per read here).
    std::string buffer(64 * 1024, '\0');
    std::uint64_t total = 0;
    for (;;) {
        ssize_t n = ::read(master_, buffer.data(), buffer.size());
        if (n > 0) {
            total += static_cast<std::uint64_t>(n);
            lastByte = Clock::now();
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        break;  // EIO: the slave side is closed for good
    }
    return total;
}

void BarePty::write(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::write(master_, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) core::throwErrno("write to the PTY");
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

std::string BarePty::read(std::size_t count, std::chrono::milliseconds timeout) {
    std::string out;
    auto until = Clock::now() + timeout;
    char buffer[4096];
    while (out.size() < count) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
        pollfd p{master_, POLLIN, 0};
        int r = ::poll(&p, 1, static_cast<int>(std::max<long>(left.count(), 0)));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) throw std::runtime_error("bare PTY: timed out after '" + out + "'");
        ssize_t n = ::read(master_, buffer, sizeof buffer);
        if (n <= 0) throw std::runtime_error("bare PTY: the child closed the terminal");
        out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
}

}  // namespace parawork::bench
