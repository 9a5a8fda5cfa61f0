// Prometheus text exposition format (version 0.0.4), written by the daemon's GET /metrics:
// one HELP and TYPE line per family, then its samples. Shared by the rooms that contribute
// figures (api: requests and sessions; monitor: per-session resources).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parawork::core {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class PrometheusText {
  public:
    /// Starts a family: `type` is "gauge", "counter" or "histogram".
    PrometheusText& family(std::string_view name, std::string_view type, std::string_view help);
    /// One sample line: `name{labels} value`.
    PrometheusText& sample(std::string_view name, const MetricLabels& labels, double value);
    PrometheusText& sample(std::string_view name, double value) { return sample(name, {}, value); }
    const std::string& text() const { return text_; }

  private:
    std::string text_;
};

/// The exposition's content type.
inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

}  // namespace parawork::core
