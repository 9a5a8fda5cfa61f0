#include "api/attach_connection.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/entity_json.hpp"
#include "store/sessions.hpp"

namespace parawork::api {
namespace {

namespace json = boost::json;
constexpr auto kAwait = net::as_tuple(net::use_awaitable);
constexpr std::size_t kChunk = 64 * 1024;

// The control messages are built outside the coroutines: GCC 12 rejects initializer lists of
// string literals inside a coroutine body ("array used as initializer").
std::string snapshotMessage(const host::SnapshotReply& snap) {
    return json::serialize(json::object{{"type", "snapshot"},
                                        {"offset", snap.offset},
                                        {"cols", snap.size.cols},
                                        {"rows", snap.size.rows}});
}

std::string truncatedMessage(std::uint64_t from, std::uint64_t to) {
    return json::serialize(json::object{{"type", "truncated"}, {"from", from}, {"to", to}});
}

std::string exitMessage(const std::optional<session::OutputState>& state) {
    json::object msg{{"type", "exit"}, {"endOffset", state ? state->endOffset : 0}};
    msg["exitCode"] = state && state->exitCode ? json::value(*state->exitCode) : nullptr;
    msg["signal"] = state && state->signal ? json::value(*state->signal) : nullptr;
    msg["exitReason"] = state ? state->exitReason : "";
    return json::serialize(msg);
}

}  // namespace

AttachConnection::AttachConnection(Stream stream, session::SessionService& sessions,
                                   net::thread_pool& workers, std::string sessionId,
                                   std::size_t maxMessageBytes)
    : ws_(std::move(stream)),
      sessions_(sessions),
      workers_(workers),
      id_(std::move(sessionId)),
      maxMessageBytes_(maxMessageBytes),
      wake_(ws_.get_executor()) {}

void AttachConnection::wake() {
    wake_.cancel();
}

void AttachConnection::close() {
    done_ = true;
    beast::get_lowest_layer(ws_).cancel();
    wake_.cancel();
}

net::awaitable<bool> AttachConnection::sendText(std::string text) {
    ws_.text(true);
    auto [ec, n] = co_await ws_.async_write(net::buffer(text), kAwait);
    co_return !ec;
}

net::awaitable<std::optional<std::uint64_t>> AttachConnection::sendSnapshot() {
    auto snap = co_await onWorkers(workers_, [this] { return sessions_.snapshot(id_); });
    if (!snap) co_return std::nullopt;  // no live host: replay the log instead
    if (!co_await sendText(snapshotMessage(*snap))) co_return std::nullopt;
    ws_.binary(true);
    co_await ws_.async_write(net::buffer(snap->bytes), kAwait);
    co_return snap->offset;
}

net::awaitable<void> AttachConnection::sendExit() {
    auto state = co_await onWorkers(workers_, [this] { return sessions_.outputState(id_); });
    co_await sendText(exitMessage(state));
    co_await ws_.async_close(websocket::close_code::normal, kAwait);
}

net::awaitable<void> AttachConnection::readLoop() {
    auto self = shared_from_this();
    beast::flat_buffer buffer;
    while (!done_) {
        buffer.clear();
        auto [ec, n] = co_await ws_.async_read(buffer, kAwait);
        if (ec) break;
        auto data = beast::buffers_to_string(buffer.data());
        if (ws_.got_binary()) {
            co_await onWorkers(workers_, [this, &data] { return sessions_.input(id_, data); });
            continue;
        }
        boost::system::error_code parseError;
        auto msg = json::parse(data, parseError);
        auto* obj = parseError ? nullptr : msg.if_object();
        if (obj && obj->contains("type") && obj->at("type") == "resize" && obj->contains("cols") &&
            obj->contains("rows") && obj->at("cols").is_number() && obj->at("rows").is_number()) {
            int cols = static_cast<int>(obj->at("cols").to_number<double>());
            int rows = static_cast<int>(obj->at("rows").to_number<double>());
            co_await onWorkers(workers_,
                               [this, cols, rows] { return sessions_.resize(id_, cols, rows); });
        } else {
            co_await sendText(
                R"({"type":"error","message":"expected {\"type\":\"resize\",\"cols\":N,\"rows\":N}"})");
        }
    }
    done_ = true;
    wake_.cancel();
}

net::awaitable<void> AttachConnection::run(http::request<http::string_body> upgrade,
                                           std::optional<std::uint64_t> startOffset) {
    auto self = shared_from_this();
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = std::chrono::seconds(30);
    timeout.idle_timeout = std::chrono::seconds(60);
    timeout.keep_alive_pings = true;
    ws_.set_option(timeout);
    ws_.read_message_max(maxMessageBytes_);
    auto [ec] = co_await ws_.async_accept(upgrade, kAwait);
    if (ec) co_return;

    std::uint64_t offset = 0;
    if (startOffset) {
        offset = *startOffset;
    } else if (auto snapOffset = co_await sendSnapshot()) {
        offset = *snapOffset;
    } else if (auto state = sessions_.outputState(id_)) {
        offset = state->startOffset;
    }
    net::co_spawn(ws_.get_executor(), readLoop(), net::detached);

    while (!done_) {
        auto read = sessions_.readOutput(id_, offset, kChunk);
        if (!read) break;
        if (read->truncated) co_await sendText(truncatedMessage(offset, read->offset));
        if (!read->bytes.empty()) {
            ws_.binary(true);
            auto [writeError, n] = co_await ws_.async_write(net::buffer(read->bytes), kAwait);
            if (writeError) break;
            offset = read->nextOffset;
            continue;
        }
        auto state = sessions_.outputState(id_);
        if (!state || (state->ended && offset >= state->endOffset)) {
            co_await sendExit();
            break;
        }
        // Wait for the host's next "output available" (a timer doubles as a safety poll).
        wake_.expires_after(std::chrono::seconds(1));
        co_await wake_.async_wait(kAwait);
    }
    done_ = true;
}

}  // namespace parawork::api
