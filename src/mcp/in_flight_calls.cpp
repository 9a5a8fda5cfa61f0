#include "mcp/in_flight_calls.hpp"

#include <boost/json/serialize.hpp>

namespace parawork::mcp {

InFlightCalls::Ticket::Ticket(InFlightCalls& owner, std::string key,
                              std::shared_ptr<std::atomic<bool>> flag)
    : owner_(owner), key_(std::move(key)), flag_(std::move(flag)) {}

InFlightCalls::Ticket::~Ticket() {
    std::lock_guard lock(owner_.mutex_);
    owner_.calls_.erase(key_);
}

std::string InFlightCalls::keyOf(std::string_view scope, const boost::json::value& id) {
    // The serialized id keeps "7" (a string) and 7 (a number) apart, as JSON-RPC does.
    return std::string(scope) + '\n' + boost::json::serialize(id);
}

std::unique_ptr<InFlightCalls::Ticket> InFlightCalls::enter(std::string_view scope,
                                                            const boost::json::value& id,
                                                            RpcError& refusal) {
    auto key = keyOf(scope, id);
    auto flag = std::make_shared<std::atomic<bool>>(false);
    std::lock_guard lock(mutex_);
    if (calls_.contains(key)) {
        refusal = {rpc::kInvalidRequest,
                   "Invalid Request: id " + boost::json::serialize(id) +
                       " is already in use by a running call",
                   std::nullopt};
        return nullptr;
    }
    if (calls_.size() >= capacity_) {
        refusal = {rpc::kInternalError,
                   "Too many tool calls running (limit " + std::to_string(capacity_) + ")",
                   std::nullopt};
        return nullptr;
    }
    calls_.emplace(key, flag);
    return std::make_unique<Ticket>(*this, std::move(key), std::move(flag));
}

bool InFlightCalls::cancel(std::string_view scope, const boost::json::value& id) {
    std::lock_guard lock(mutex_);
    auto it = calls_.find(keyOf(scope, id));
    if (it == calls_.end()) return false;
    it->second->store(true);
    return true;
}

std::size_t InFlightCalls::size() const {
    std::lock_guard lock(mutex_);
    return calls_.size();
}

}  // namespace parawork::mcp
