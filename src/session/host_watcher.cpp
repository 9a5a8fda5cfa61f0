#include "session/host_watcher.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>

#include "core/error.hpp"

namespace parawork::session {

HostWatcher::HostWatcher(OnOutput onOutput, OnEnd onEnd)
    : onOutput_(std::move(onOutput)), onEnd_(std::move(onEnd)) {
    epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
    if (!epoll_) core::throwErrno("epoll_create1");
    wake_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!wake_) core::throwErrno("eventfd");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr;  // the wake fd
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, wake_.get(), &ev) != 0)
        core::throwErrno("epoll_ctl");
    thread_ = std::thread([this] { run(); });
}

HostWatcher::~HostWatcher() {
    stop();
}

void HostWatcher::add(std::shared_ptr<LiveSession> session) {
    {
        std::lock_guard lock(mutex_);
        added_.push_back(std::move(session));
    }
    poke();
}

void HostWatcher::poke() {
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_.get(), &one, sizeof one);
}

void HostWatcher::stop() {
    if (stopping_.exchange(true)) return;
    poke();
    if (thread_.joinable()) thread_.join();
}

int HostWatcher::nextTimeoutMs() {
    int timeout = 1000;
    auto now = std::chrono::steady_clock::now();
    for (const auto& s : watching_) {
        std::lock_guard lock(s->killMutex);
        if (!s->killAt) continue;
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*s->killAt - now).count();
        timeout = std::min<int>(timeout, static_cast<int>(std::max<long long>(ms, 0)));
    }
    return timeout;
}

void HostWatcher::deliverKills() {
    auto now = std::chrono::steady_clock::now();
    for (const auto& s : watching_) {
        {
            std::lock_guard lock(s->killMutex);
            if (!s->killAt || *s->killAt > now) continue;
            s->killAt.reset();
        }
        std::lock_guard lock(s->controlMutex);
        try {
            if (s->control) s->control->signal(SIGKILL, host::SignalTarget::Command);
        } catch (const std::exception&) {
            // The host is going away; its end is reported through the watch connection.
        }
    }
}

void HostWatcher::endSession(const std::shared_ptr<LiveSession>& session) {
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, session->watch->fd(), nullptr);
    session->watch.reset();
    if (!session->exit) {
        session->exit = host::readExitRecordFile(session->paths.exitFile());
        if (!session->exit) session->lostReason = "host lost";
    }
    session->ended = true;
    std::erase(watching_, session);
    onEnd_(session);
}

void HostWatcher::drain(const std::shared_ptr<LiveSession>& session) {
    try {
        while (auto event = session->watch->readEvent(std::chrono::milliseconds(0))) {
            if (event->kind == host::HostEvent::Kind::OutputAvailable) {
                session->end = std::max<std::uint64_t>(session->end, event->endOffset);
                onOutput_(session);
            } else {
                session->exit = event->exit;
                endSession(session);
                return;
            }
        }
    } catch (const std::exception&) {
        endSession(session);  // the connection closed: exited while we looked away, or lost
    }
}

void HostWatcher::run() {
    std::vector<epoll_event> events(64);
    while (!stopping_) {
        int n = ::epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()),
                             nextTimeoutMs());
        if (n < 0 && errno != EINTR) break;
        std::vector<std::shared_ptr<LiveSession>> added;
        {
            std::lock_guard lock(mutex_);
            added.swap(added_);
        }
        for (auto& s : added) {
            epoll_event ev{};
            ev.events = EPOLLIN | EPOLLRDHUP;
            ev.data.ptr = s.get();
            ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, s->watch->fd(), &ev);
            watching_.push_back(s);
            // The client may already hold pushed frames it read along with WATCH's reply: the
            // socket would then never look readable for them.
            drain(s);
        }
        for (int i = 0; i < std::max(n, 0); ++i) {
            if (!events[i].data.ptr) {
                std::uint64_t count;
                [[maybe_unused]] auto r = ::read(wake_.get(), &count, sizeof count);
                continue;
            }
            auto it = std::find_if(watching_.begin(), watching_.end(),
                                   [&](const auto& s) { return s.get() == events[i].data.ptr; });
            if (it != watching_.end()) drain(std::shared_ptr<LiveSession>(*it));
        }
        deliverKills();
    }
}

}  // namespace parawork::session
