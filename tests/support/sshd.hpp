// Debian's OpenSSH server (openssh-server), really started, for tests that push over ssh:// with
// the user's own credentials: its own host key and an authorized key made for the test
// (ssh-keygen), on a free loopback port, in the foreground (-D -e), as the test's user. Clients
// get a GIT_SSH_COMMAND that trusts exactly this host key and never asks anything. Stopped by
// PID on destruction.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace parawork::test {

class Sshd {
  public:
    static constexpr const char* kProgram = "/usr/sbin/sshd";
    /// Whether the server can run here (openssh-server installed).
    static bool available();

    /// Keys, configuration and log in `dir` (which must exist); returns once a client can log in.
    /// Throws core::Error when it cannot start.
    explicit Sshd(const std::filesystem::path& dir);
    ~Sshd();
    Sshd(const Sshd&) = delete;
    Sshd& operator=(const Sshd&) = delete;

    std::uint16_t port() const { return port_; }
    /// `ssh -i <key> -p <port> -o UserKnownHostsFile=<host key> -o StrictHostKeyChecking=yes
    /// -o BatchMode=yes …`: what git should run (GIT_SSH_COMMAND).
    const std::string& gitSshCommand() const { return sshCommand_; }
    /// "ssh://<user>@127.0.0.1<path>" for a repository on this machine.
    std::string url(const std::filesystem::path& path) const;

  private:
    std::filesystem::path dir_;
    std::string user_;
    std::uint16_t port_ = 0;
    std::string sshCommand_;
    pid_t pid_ = -1;
};

}  // namespace parawork::test
