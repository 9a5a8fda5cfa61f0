// The Prometheus text exposition writer: HELP/TYPE lines, labels, escaping, numbers.
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "core/prometheus_text.hpp"

namespace parawork::core {
namespace {

TEST(CorePrometheusText, WritesAFamilyAndItsSamples) {
    PrometheusText out;
    out.family("parawork_sessions", "gauge", "Sessions, by status.")
        .sample("parawork_sessions", {{"status", "running"}}, 2)
        .sample("parawork_up", 1);
    EXPECT_EQ(out.text(),
              "# HELP parawork_sessions Sessions, by status.\n"
              "# TYPE parawork_sessions gauge\n"
              "parawork_sessions{status=\"running\"} 2\n"
              "parawork_up 1\n");
}

TEST(CorePrometheusText, EscapesLabelValuesAndHelp) {
    PrometheusText out;
    out.family("m", "gauge", "a \\ b\nc").sample("m", {{"a", "q\"x\\y\nz"}, {"b", ""}}, 0.5);
    EXPECT_EQ(out.text(),
              "# HELP m a \\\\ b\\nc\n"
              "# TYPE m gauge\n"
              "m{a=\"q\\\"x\\\\y\\nz\",b=\"\"} 0.5\n");
}

TEST(CorePrometheusText, SpecialNumbers) {
    PrometheusText out;
    out.sample("a", std::numeric_limits<double>::infinity())
        .sample("b", -std::numeric_limits<double>::infinity())
        .sample("c", std::nan(""))
        .sample("d", 1e21)
        .sample("e", 0.1);
    EXPECT_EQ(out.text(), "a +Inf\nb -Inf\nc NaN\nd 1e+21\ne 0.1\n");
}

}  // namespace
}  // namespace parawork::core
