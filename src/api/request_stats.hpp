// Counts of HTTP requests and a latency histogram, recorded by the server for GET /metrics.
// Lock-free: every request adds to atomics.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

#include "core/prometheus_text.hpp"

namespace parawork::api {

class RequestStats {
  public:
    /// Upper bounds of the latency buckets, in seconds (Prometheus' defaults, trimmed).
    static constexpr std::array<double, 10> kBuckets{0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,  0.1,    0.25,  1,    5};

    void record(unsigned status, std::chrono::steady_clock::duration took);
    /// Live WebSocket connections (viewers of events and terminals).
    void viewerJoined() { ++viewers_; }
    void viewerLeft() { --viewers_; }
    /// Writes parawork_http_requests_total, parawork_http_request_duration_seconds and
    /// parawork_viewers.
    void write(core::PrometheusText& out) const;

  private:
    std::array<std::atomic<std::uint64_t>, 5> byClass_{};                ///< 1xx..5xx
    std::array<std::atomic<std::uint64_t>, kBuckets.size()> buckets_{};  ///< not cumulative
    std::atomic<std::uint64_t> count_{0};
    std::atomic<std::uint64_t> sumMicros_{0};
    std::atomic<std::int64_t> viewers_{0};
};

/// Counts a WebSocket connection while it lives.
class ViewerScope {
  public:
    explicit ViewerScope(RequestStats* stats) : stats_(stats) {
        if (stats_) stats_->viewerJoined();
    }
    ~ViewerScope() {
        if (stats_) stats_->viewerLeft();
    }
    ViewerScope(const ViewerScope&) = delete;
    ViewerScope& operator=(const ViewerScope&) = delete;

  private:
    RequestStats* stats_;
};

}  // namespace parawork::api
