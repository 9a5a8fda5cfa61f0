// The tool calls running now, by (scope, request id), so that notifications/cancelled (or an HTTP
// stream that closes) can set the call's cancellation flag. Bounded: the handlers block a worker
// each, so more than `capacity` at once is refused rather than queued.
#pragma once

#include <atomic>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "mcp/json_rpc.hpp"

namespace parawork::mcp {

class InFlightCalls {
  public:
    explicit InFlightCalls(std::size_t capacity) : capacity_(capacity) {}

    /// A registered call; ends its registration when destroyed.
    class Ticket {
      public:
        Ticket(InFlightCalls& owner, std::string key, std::shared_ptr<std::atomic<bool>> flag);
        ~Ticket();
        Ticket(const Ticket&) = delete;
        Ticket& operator=(const Ticket&) = delete;
        const std::shared_ptr<std::atomic<bool>>& cancelled() const { return flag_; }

      private:
        InFlightCalls& owner_;
        std::string key_;
        std::shared_ptr<std::atomic<bool>> flag_;
    };

    /// Registers the call `id` of `scope`. Null with `refusal` set when that id is already
    /// running in that scope (-32600: ids must be unique among a client's open requests) or
    /// when `capacity` calls are running (-32603).
    std::unique_ptr<Ticket> enter(std::string_view scope, const boost::json::value& id,
                                  RpcError& refusal);
    /// Sets the flag of the call `id` of `scope`; false when no such call runs (already done,
    /// or never was: the spec lets the server ignore that).
    bool cancel(std::string_view scope, const boost::json::value& id);
    std::size_t size() const;

  private:
    static std::string keyOf(std::string_view scope, const boost::json::value& id);

    std::size_t capacity_;
    mutable std::mutex mutex_;
    std::map<std::string, std::shared_ptr<std::atomic<bool>>, std::less<>> calls_;
};

}  // namespace parawork::mcp
