#include "support/sshd.hpp"

#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "support/daemon_process.hpp"
#include "support/nginx.hpp"
#include "unit_support/wait_until.hpp"

namespace parawork::test {
namespace {

namespace fs = std::filesystem;

std::string readAll(const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void keygen(const fs::path& key) {
    auto made = runProcess({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
                            "parawork-test", "-f", key.string()});
    if (made.exitCode != 0) throw core::Error("ssh-keygen failed: " + describe(made));
}

std::string userName() {
    const passwd* pw = ::getpwuid(::getuid());
    if (pw == nullptr) throw core::Error("the test's user has no name");
    return pw->pw_name;
}

void writeConfig(const fs::path& dir, const std::string& user, std::uint16_t port) {
    std::ofstream out(dir / "sshd_config");
    out << "Port " << port << "\nListenAddress 127.0.0.1\n"
        << "HostKey " << (dir / "host_key").string() << "\n"
        << "AuthorizedKeysFile " << (dir / "authorized_keys").string() << "\n"
        << "PidFile none\nStrictModes no\nUsePAM no\nUseDNS no\n"
        << "PubkeyAuthentication yes\nPasswordAuthentication no\n"
        << "KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n"
        << "AllowUsers " << user << "\nLogLevel VERBOSE\n";
    if (!out.flush()) throw core::Error("cannot write the sshd configuration");
}

}  // namespace

bool Sshd::available() {
    return ::access(kProgram, X_OK) == 0;
}

Sshd::Sshd(const fs::path& dir) : dir_(dir), user_(userName()), port_(freePort()) {
    keygen(dir_ / "host_key");
    keygen(dir_ / "client_key");
    fs::copy_file(dir_ / "client_key.pub", dir_ / "authorized_keys");
    // The client trusts this host key for this address and port, and no other.
    std::ofstream(dir_ / "known_hosts")
        << "[127.0.0.1]:" << port_ << " " << readAll(dir_ / "host_key.pub");
    writeConfig(dir_, user_, port_);
    // Run as root, sshd wants its privilege separation directory (the service makes it).
    if (::getuid() == 0) ::mkdir("/run/sshd", 0755);
    pid_ = spawnProcess({kProgram, "-D", "-e", "-f", (dir_ / "sshd_config").string()}, {},
                        dir_ / "sshd.log");
    sshCommand_ = "ssh -F /dev/null -i " + (dir_ / "client_key").string() + " -p " +
                  std::to_string(port_) +
                  " -o UserKnownHostsFile=" + (dir_ / "known_hosts").string() +
                  " -o StrictHostKeyChecking=yes -o BatchMode=yes -o IdentitiesOnly=yes";
    std::vector<std::string> probe{"/bin/sh", "-c", sshCommand_ + " " + user_ + "@127.0.0.1 true"};
    bool ready = waitUntil([&] { return runProcess(probe).exitCode == 0; });
    if (!ready) {
        ::kill(pid_, SIGTERM);
        waitForExit(pid_, std::chrono::seconds(10));
        throw core::Error("sshd did not let the test in; see " + (dir_ / "sshd.log").string() +
                          ":\n" + readAll(dir_ / "sshd.log"));
    }
}

Sshd::~Sshd() {
    ::kill(pid_, SIGTERM);
    waitForExit(pid_, std::chrono::seconds(10));
}

std::string Sshd::url(const fs::path& path) const {
    return "ssh://" + user_ + "@127.0.0.1" + path.string();
}

}  // namespace parawork::test
