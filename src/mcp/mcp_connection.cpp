#include "mcp/mcp_connection.hpp"

#include <algorithm>

#include "core/secrets.hpp"

namespace parawork::mcp {
namespace {

constexpr std::size_t kSessionIdBytes = 16;

}  // namespace

std::optional<std::string> McpConnection::negotiatedVersion() const {
    std::lock_guard lock(mutex_);
    return version_;
}

bool McpConnection::ready() const {
    std::lock_guard lock(mutex_);
    return ready_;
}

bool McpConnection::initialize(std::string version) {
    std::lock_guard lock(mutex_);
    if (version_) return false;
    version_ = std::move(version);
    return true;
}

void McpConnection::markReady() {
    std::lock_guard lock(mutex_);
    if (version_) ready_ = true;
}

McpSessions::McpSessions(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

std::string McpSessions::add(std::shared_ptr<McpConnection> connection) {
    std::string id = core::randomHex(kSessionIdBytes);
    std::lock_guard lock(mutex_);
    while (sessions_.size() >= capacity_) sessions_.pop_back();
    sessions_.emplace_front(id, std::move(connection));
    return id;
}

std::list<McpSessions::Entry>::iterator McpSessions::locate(std::string_view id) {
    return std::find_if(sessions_.begin(), sessions_.end(),
                        [&](const Entry& entry) { return entry.first == id; });
}

std::shared_ptr<McpConnection> McpSessions::find(std::string_view id) {
    std::lock_guard lock(mutex_);
    auto it = locate(id);
    if (it == sessions_.end()) return nullptr;
    sessions_.splice(sessions_.begin(), sessions_, it);
    return sessions_.front().second;
}

bool McpSessions::close(std::string_view id) {
    std::lock_guard lock(mutex_);
    auto it = locate(id);
    if (it == sessions_.end()) return false;
    sessions_.erase(it);
    return true;
}

std::size_t McpSessions::size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

}  // namespace parawork::mcp
