#include "support/nginx.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

#include "core/error.hpp"

extern char** environ;

namespace parawork::test {
namespace {

sockaddr_in addressOf(const std::string& address, std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    if (::inet_pton(AF_INET, address.c_str(), &a.sin_addr) != 1)
        throw core::Error("not an IPv4 address: " + address);
    return a;
}

bool accepts(const std::string& address, std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    auto a = addressOf(address, port);
    bool connected = fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    if (fd >= 0) ::close(fd);
    return connected;
}

}  // namespace

std::uint16_t freePort(const std::string& address) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) core::throwErrno("socket");
    auto a = addressOf(address, 0);
    socklen_t len = sizeof a;
    bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
                 ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
    ::close(fd);
    if (!bound) throw core::Error("no free port on " + address);
    return ntohs(a.sin_port);
}

Nginx::Nginx(Options o) : port_(o.listenPort ? o.listenPort : freePort(o.listenAddress)) {
    auto conf = o.dir / "nginx.conf";
    std::ofstream out(conf);
    out << "daemon off; master_process off; worker_processes 1;\n"
        << "pid " << (o.dir / "nginx.pid").string() << ";\n"
        << "error_log " << (o.dir / "error.log").string() << " warn;\n"
        << "events { worker_connections 1024; }\n"
        << "http { access_log off;\n"
        << "  client_body_temp_path " << o.dir.string() << "/body;\n"
        << "  proxy_temp_path " << o.dir.string() << "/proxy;\n"
        << o.httpDirectives << "\n"
        << "  upstream up { server 127.0.0.1:" << o.upstreamPort << "; keepalive 32; }\n"
        << "  server { listen " << o.listenAddress << ":" << port_ << (o.tls ? " ssl" : "")
        << ";\n";
    // Debian 12's nginx (1.22) offers TLS 1.0-1.2 unless told; 1.23.4 and later add 1.3.
    if (o.tls)
        out << "    ssl_protocols TLSv1.2 TLSv1.3;\n    ssl_certificate "
            << o.tls->certFile.string() << ";\n    ssl_certificate_key " << o.tls->keyFile.string()
            << ";\n";
    out << "    location / { proxy_pass http://up;\n" << o.locationDirectives << "\n    } } }\n";
    out.close();
    std::vector<std::string> argv{"nginx", "-p", o.dir.string(), "-c", conf.string()};
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    if (::posix_spawnp(&pid_, "nginx", nullptr, nullptr, args.data(), environ) != 0)
        throw core::Error("cannot start nginx (apt install nginx-light)");
    for (int i = 0; i < 100; ++i) {  // until it listens
        if (accepts(o.listenAddress, port_)) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    throw core::Error("nginx did not start; see " + (o.dir / "error.log").string());
}

Nginx::~Nginx() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
}

}  // namespace parawork::test
