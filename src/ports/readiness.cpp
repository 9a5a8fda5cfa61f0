#include "ports/readiness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstring>

#include "core/unique_fd.hpp"

namespace parawork::ports {
namespace {

constexpr std::array<std::string_view, 17> kReadyPhrases = {
    " ready in ",                      // Vite "VITE v5 ready in 300 ms"
    "Ready in ",                       // Next.js "✓ Ready in 2.3s"
    "ready - started server on",       // Next.js 12
    "Project is running at",           // webpack-dev-server
    "Compiled successfully",           // CRA, webpack
    "Running on http",                 // Flask
    "Starting development server at",  // Django
    "Uvicorn running on",              // uvicorn
    "Application startup complete",    // uvicorn, FastAPI
    "Listening at: http",              // gunicorn
    "* Listening on ",                 // Puma
    "Serving HTTP on ",                // python -m http.server
    "Local URL:",                      // Streamlit
    "Running on local URL:",           // Gradio
    "Now listening on:",               // ASP.NET
    " is listening on ",               // Angular
    "Phoenix.Endpoint",                // Phoenix "Running ...Endpoint with cowboy ... at"
};

bool waitFor(int fd, short events, std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, events, 0};
    return ::poll(&p, 1, static_cast<int>(left.count())) == 1 && (p.revents & events);
}

}  // namespace

bool isReadyLine(std::string_view line) {
    for (auto phrase : kReadyPhrases)
        if (line.find(phrase) != std::string_view::npos) return true;
    return false;
}

bool isUpStatus(int status) {
    return (status >= 200 && status < 400) || (status >= 400 && status <= 404);
}

std::optional<int> probeHttp(const std::string& address, std::uint16_t port,
                             std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    sockaddr_storage storage{};
    socklen_t length = 0;
    auto* in4 = reinterpret_cast<sockaddr_in*>(&storage);
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
    if (::inet_pton(AF_INET, address.c_str(), &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        length = sizeof(sockaddr_in);
    } else if (::inet_pton(AF_INET6, address.c_str(), &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        length = sizeof(sockaddr_in6);
    } else {
        return std::nullopt;
    }
    core::UniqueFd sock(::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!sock) return std::nullopt;
    if (::connect(sock.get(), reinterpret_cast<sockaddr*>(&storage), length) != 0) {
        if (errno != EINPROGRESS || !waitFor(sock.get(), POLLOUT, deadline)) return std::nullopt;
        int error = 0;
        socklen_t size = sizeof error;
        if (::getsockopt(sock.get(), SOL_SOCKET, SO_ERROR, &error, &size) != 0 || error != 0)
            return std::nullopt;
    }
    std::string request = "GET / HTTP/1.1\r\nHost: localhost:" + std::to_string(port) +
                          "\r\nUser-Agent: parawork-readiness\r\nAccept: */*\r\n"
                          "Connection: close\r\n\r\n";
    std::size_t sent = 0;
    while (sent < request.size()) {
        ssize_t n = ::send(sock.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
        } else if (n < 0 && errno == EAGAIN) {
            if (!waitFor(sock.get(), POLLOUT, deadline)) return std::nullopt;
        } else {
            return std::nullopt;
        }
    }
    // "HTTP/1.1 200" is all we need.
    std::string head;
    while (head.size() < 12) {
        if (!waitFor(sock.get(), POLLIN, deadline)) return std::nullopt;
        char buffer[64];
        ssize_t n = ::recv(sock.get(), buffer, sizeof buffer, 0);
        if (n <= 0) return std::nullopt;
        head.append(buffer, static_cast<std::size_t>(n));
    }
    if (!head.starts_with("HTTP/1.") || head[8] != ' ') return std::nullopt;
    int status = 0;
    for (int i = 9; i < 12; ++i) {
        if (head[i] < '0' || head[i] > '9') return std::nullopt;
        status = status * 10 + (head[i] - '0');
    }
    return status;
}

}  // namespace parawork::ports
