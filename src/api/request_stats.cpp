#include "api/request_stats.hpp"

#include <string>

namespace parawork::api {

void RequestStats::record(unsigned status, std::chrono::steady_clock::duration took) {
    auto seconds = std::chrono::duration<double>(took).count();
    if (status >= 100 && status < 600) ++byClass_[status / 100 - 1];
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
        if (seconds <= kBuckets[i]) {
            ++buckets_[i];
            break;
        }
    ++count_;
    sumMicros_ += static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(took).count());
}

void RequestStats::write(core::PrometheusText& out) const {
    out.family("parawork_http_requests_total", "counter",
               "HTTP requests answered by a handler, by status class.");
    for (std::size_t i = 0; i < byClass_.size(); ++i)
        out.sample("parawork_http_requests_total", {{"code", std::to_string(i + 1) + "xx"}},
                   static_cast<double>(byClass_[i].load()));
    out.family("parawork_http_request_duration_seconds", "histogram",
               "Time from a request's arrival to its answer, handlers included.");
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += buckets_[i].load();
        auto bound = std::to_string(kBuckets[i]);
        while (bound.ends_with('0')) bound.pop_back();
        out.sample("parawork_http_request_duration_seconds_bucket", {{"le", bound}},
                   static_cast<double>(cumulative));
    }
    auto count = static_cast<double>(count_.load());
    out.sample("parawork_http_request_duration_seconds_bucket", {{"le", "+Inf"}}, count);
    out.sample("parawork_http_request_duration_seconds_sum",
               static_cast<double>(sumMicros_.load()) / 1e6);
    out.sample("parawork_http_request_duration_seconds_count", count);
    out.family("parawork_viewers", "gauge", "Open WebSocket connections (events and terminals).");
    out.sample("parawork_viewers", static_cast<double>(viewers_.load()));
}

}  // namespace parawork::api
