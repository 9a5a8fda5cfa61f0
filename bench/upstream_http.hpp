// The small upstream of W7: an HTTP/1.1 server on 127.0.0.1:<port> answering every request with
// a fixed 13-byte body, keep-alive, one epoll thread. Fast enough that the proxies in front of
// it are what W7 measures. `parawork_bench --serve-http PORT` runs it (inside a session).
#pragma once

#include <cstdint>

namespace parawork::bench {

/// Serves until killed. Returns non-zero when the port cannot be bound.
int serveHttp(std::uint16_t port);

}  // namespace parawork::bench
