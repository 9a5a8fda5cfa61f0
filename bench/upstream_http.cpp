#include "upstream_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>

namespace parawork::bench {

int serveHttp(std::uint16_t port) {
    int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener, 1024) != 0) {
        std::perror("upstream: bind");
        return 1;
    }
    std::printf("listening on http://127.0.0.1:%u/\n", port);
    std::fflush(stdout);
    constexpr std::string_view kResponse =
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world\n";
    int epoll = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = listener;
    ::epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &ev);
    std::unordered_map<int, std::string> pending;  // bytes of unfinished requests per connection
    epoll_event events[256];
    char buffer[16384];
    for (;;) {
        int n = ::epoll_wait(epoll, events, 256, -1);
        for (int i = 0; i < n; ++i) {
            int fd = events[i].data.fd;
            if (fd == listener) {
                int conn;
                while ((conn = ::accept4(listener, nullptr, nullptr,
                                         SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    ::setsockopt(conn, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    epoll_event c{};
                    c.events = EPOLLIN;
                    c.data.fd = conn;
                    ::epoll_ctl(epoll, EPOLL_CTL_ADD, conn, &c);
                }
                continue;
            }
            ssize_t got = ::read(fd, buffer, sizeof buffer);
            if (got <= 0) {
                ::close(fd);
                pending.erase(fd);
                continue;
            }
            auto& data = pending[fd];
            data.append(buffer, static_cast<std::size_t>(got));
            std::string out;
            std::size_t end;
            while ((end = data.find("\r\n\r\n")) != std::string::npos) {  // GETs: no bodies
                data.erase(0, end + 4);
                out += kResponse;
            }
            if (!out.empty() && ::write(fd, out.data(), out.size()) < 0) {
                ::close(fd);
                pending.erase(fd);
            }
        }
    }
}

}  // namespace parawork::bench
