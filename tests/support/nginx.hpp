// Debian's nginx, really started, in front of a daemon: the benchmarks' anchor (W7, W12) and the
// reverse proxy of the remote-access tests (the configuration docs/remote-access.md documents).
// One worker, in the foreground, its files in a directory of its own; stopped on destruction.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace parawork::test {

/// A port free on `address` at the time of asking (bound, read, released).
std::uint16_t freePort(const std::string& address = "127.0.0.1");

class Nginx {
  public:
    struct Tls {
        std::filesystem::path certFile;
        std::filesystem::path keyFile;
    };
    struct Options {
        std::filesystem::path dir;
        std::string listenAddress = "127.0.0.1";
        std::uint16_t listenPort = 0;    ///< 0: a free one
        std::uint16_t upstreamPort = 0;  ///< on 127.0.0.1, as upstream `up` (keep-alive 32)
        std::optional<Tls> tls;          ///< terminate TLS (1.2 and 1.3) with these
        std::string httpDirectives;      ///< more of the http block (e.g. a map)
        std::string locationDirectives;  ///< inside `location / { proxy_pass http://up; … }`
    };
    explicit Nginx(Options options);
    ~Nginx();
    Nginx(const Nginx&) = delete;
    Nginx& operator=(const Nginx&) = delete;
    std::uint16_t port() const { return port_; }

  private:
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
};

}  // namespace parawork::test
