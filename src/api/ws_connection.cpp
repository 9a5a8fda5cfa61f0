#include "api/connection.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include "session/output_events.hpp"

namespace parawork::api {

namespace {
constexpr auto kAwait = net::as_tuple(net::use_awaitable);
constexpr std::size_t kTerminalChunk = 32 * 1024;
constexpr std::size_t kMaxScreensShown = 256;
}  // namespace

WsConnection::WsConnection(Stream stream, Limits limits, const WsActions& actions,
                           session::SessionService* sessions, net::thread_pool& workers)
    : ws_(std::move(stream)),
      limits_(limits),
      actions_(actions),
      sessions_(sessions),
      workers_(workers),
      wake_(ws_.get_executor()) {
    subs_.max = limits.maxSubscriptions;
}

net::awaitable<void> WsConnection::run(http::request<http::string_body> upgrade) {
    auto self = shared_from_this();
    beast::get_lowest_layer(ws_).expires_never();  // the websocket has its own timeouts
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = std::chrono::seconds(30);
    // Beast pings after half the idle timeout and drops a peer that stays silent for all of it.
    timeout.idle_timeout = std::chrono::seconds(2 * limits_.pingIntervalSec);
    timeout.keep_alive_pings = true;
    ws_.set_option(timeout);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "parawork"); }));
    ws_.read_message_max(limits_.maxMessageBytes);  // larger messages: close 1009 (too big)

    auto [ec] = co_await ws_.async_accept(upgrade, kAwait);
    if (ec) co_return;
    net::co_spawn(ws_.get_executor(), writeLoop(), net::detached);

    beast::flat_buffer buffer;
    for (;;) {
        buffer.clear();
        auto [readError, n] = co_await ws_.async_read(buffer, kAwait);
        if (readError) {
            if (readError != websocket::error::closed)
                spdlog::debug("websocket closed: {}", readError.message());
            break;
        }
        auto frame = beast::buffers_to_string(buffer.data());
        bool failed = false;
        try {
            if (auto reply = handleClientFrame(frame, subs_, actions_)) send(std::move(*reply));
        } catch (const std::exception& e) {
            spdlog::error("websocket event failed: {}", e.what());
            failed = true;
        }
        if (failed) send(eventJson("error", {{"message", "Internal error"}}));
        if (!subs_.resized.empty()) co_await replayScreens(std::exchange(subs_.resized, {}));
    }
    closing_ = true;
    wake_.cancel();
}

void WsConnection::send(std::string text) {
    if (closing_) return;
    if (queuedBytes_ + text.size() > limits_.maxQueuedBytes) {
        spdlog::warn("websocket client too slow: {} bytes queued, disconnecting", queuedBytes_);
        close(websocket::close_code::try_again_later, "Client too slow");
        return;
    }
    queuedBytes_ += text.size();
    queue_.push_back(std::move(text));
    wake_.cancel();
}

void WsConnection::close(websocket::close_code code, std::string reason) {
    if (closeRequested_) return;
    closeRequested_ = true;
    closeReason_ = websocket::close_reason(code, reason);
    wake_.cancel();
}

void WsConnection::terminalOutput(const std::string& sessionId, const std::string& workspaceId,
                                  core::SessionKind kind, std::uint64_t from, std::uint64_t to) {
    if (closing_ || !subscribedTo(workspaceId)) return;
    // A new cursor starts at the first bytes announced after the subscription, as in the
    // original; a client that shows the terminal gets its screen first (replayScreens).
    auto [it, inserted] = cursors_.try_emplace(sessionId, Cursor{workspaceId, kind, from, to, {}});
    if (!inserted) it->second.knownEnd = std::max(it->second.knownEnd, to);
    wake_.cancel();
}

net::awaitable<void> WsConnection::replayScreens(std::vector<WsSubscriptions::Resized> resized) {
    if (!sessions_) co_return;
    for (const auto& r : resized) {
        // One screen per session and connection: the first resize is a view appearing.
        if (screensShown_.contains(r.id)) continue;
        const std::string& id = r.id;
        auto state =
            co_await onWorkers(workers_, [this, &id] { return sessions_->outputState(id); });
        if (!state || state->ended || !subscribedTo(state->workspaceId)) continue;
        auto snap = co_await onWorkers(workers_, [this, &id] { return sessions_->snapshot(id); });
        if (!snap || closing_) continue;
        auto kind = r.userTerminal ? core::SessionKind::Terminal : core::SessionKind::Agent;
        // The screen replaces whatever this client was about to read: output before the
        // snapshot's offset is already drawn in it.
        Cursor& cursor = cursors_[id];
        cursor.workspaceId = state->workspaceId;
        cursor.kind = kind;
        cursor.offset = snap->offset;
        cursor.knownEnd = std::max(cursor.knownEnd, state->endOffset);
        cursor.pendingUtf8.clear();
        cursor.replay = std::move(snap->bytes);
        if (screensShown_.size() >= kMaxScreensShown) screensShown_.clear();
        screensShown_.insert(id);
        wake_.cancel();
    }
}

std::optional<std::string> WsConnection::pullTerminalData() {
    for (auto it = cursors_.begin(); it != cursors_.end();) {
        auto& [sessionId, cursor] = *it;
        if (!sessions_ || !subscribedTo(cursor.workspaceId)) {
            it = cursors_.erase(it);
            continue;
        }
        if (!cursor.replay.empty()) {
            std::string ignored;  // a screen is whole UTF-8; nothing is carried over
            return terminalEvent(sessionId, cursor,
                                 session::takeUtf8(ignored, std::exchange(cursor.replay, {})));
        }
        if (cursor.offset >= cursor.knownEnd) {
            ++it;
            continue;
        }
        auto limit = std::min<std::uint64_t>(kTerminalChunk, cursor.knownEnd - cursor.offset);
        auto read = sessions_->readOutput(sessionId, cursor.offset, limit);
        if (!read || read->bytes.empty()) {
            cursor.offset = cursor.knownEnd;  // dropped from the log meanwhile: skip it
            ++it;
            continue;
        }
        cursor.offset = read->nextOffset;
        auto text = session::takeUtf8(cursor.pendingUtf8, read->bytes);
        if (text.empty()) continue;
        return terminalEvent(sessionId, cursor, text);
    }
    return std::nullopt;
}

std::string WsConnection::terminalEvent(const std::string& sessionId, const Cursor& cursor,
                                        const std::string& text) {
    // The same stream under parawork's names: the right panel's shell has its own event.
    const bool user = cursor.kind == core::SessionKind::Terminal;
    return eventJson(user ? "user_terminal_data" : "terminal_data",
                     {{user ? "terminalId" : "sessionId", sessionId},
                      {"workspaceId", cursor.workspaceId},
                      {"data", text}});
}

bool WsConnection::subscribedTo(const std::string& workspaceId) const {
    return subs_.workspaceIds.contains(workspaceId);
}

net::awaitable<void> WsConnection::writeLoop() {
    auto self = shared_from_this();
    for (;;) {
        // Terminal output first: every queued event (agent_log, session_completed, …) was
        // produced after the bytes it follows reached the log, so this keeps parawork's order.
        std::optional<std::string> data;
        while (!closing_ && !closeRequested_ && !(data = pullTerminalData()) && queue_.empty()) {
            wake_.expires_at(net::steady_timer::time_point::max());
            co_await wake_.async_wait(kAwait);
        }
        if (data && !closing_ && !closeRequested_) {
            ws_.text(true);
            auto [ec, n] = co_await ws_.async_write(net::buffer(*data), kAwait);
            if (ec) {
                closing_ = true;
                co_return;
            }
            continue;
        }
        if (closing_) co_return;
        if (closeRequested_) {
            closing_ = true;
            queue_.clear();
            co_await ws_.async_close(closeReason_, kAwait);
            co_return;
        }
        std::string message = std::move(queue_.front());
        queue_.pop_front();
        queuedBytes_ -= message.size();
        ws_.text(true);
        auto [ec, n] = co_await ws_.async_write(net::buffer(message), kAwait);
        if (ec) {
            closing_ = true;
            co_return;
        }
    }
}

}  // namespace parawork::api
