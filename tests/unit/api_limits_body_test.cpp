// The `limits` of a session start body (issue 8): each limit in its human form, and a clear
// refusal naming the field for anything else.
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "api/body_fields.hpp"
#include "api/limits_body.hpp"

namespace parawork::api {
namespace {

core::ResourceLimits limitsOf(const std::string& body) {
    return requestLimits(boost::json::parse(body));
}

std::string refusal(const std::string& body) {
    try {
        limitsOf(body);
    } catch (const BadRequest& e) {
        return e.what();
    }
    return "";
}

TEST(ApiLimitsBody, ReadsEveryLimit) {
    auto l = limitsOf(R"({"limits":{"memory":"2G","cpu":"150%","timeout":"1h30m","pids":512}})");
    EXPECT_EQ(l.memoryBytes, 2ull << 30);
    EXPECT_EQ(l.cpuPercent, 150.0);
    EXPECT_EQ(l.timeoutMs, 90 * 60 * 1000);
    EXPECT_EQ(l.pids, 512);
    EXPECT_EQ(limitsOf(R"({"limits":{"cpu":"1.5"}})").cpuPercent, 150.0);
}

TEST(ApiLimitsBody, AbsentOrNullMeansNone) {
    EXPECT_FALSE(limitsOf("{}").any());
    EXPECT_FALSE(limitsOf(R"({"limits":null})").any());
    EXPECT_FALSE(limitsOf(R"({"limits":{}})").any());
    EXPECT_FALSE(limitsOf(R"({"limits":{"memory":null}})").any());
}

TEST(ApiLimitsBody, RefusesWithTheFieldNamed) {
    EXPECT_EQ(refusal(R"({"limits":"2G"})"), "limits: expected an object");
    EXPECT_EQ(refusal(R"({"limits":{"disk":"1G"}})"),
              "limits.disk: unknown limit (expected memory, cpu, timeout or pids)");
    EXPECT_EQ(refusal(R"({"limits":{"memory":"lots"}})"),
              "limits.memory: expected a size such as \"2G\"");
    EXPECT_EQ(refusal(R"({"limits":{"memory":1024}})"),
              "limits.memory: expected a size such as \"2G\"");
    EXPECT_EQ(refusal(R"({"limits":{"cpu":"0%"}})"),
              "limits.cpu: expected a CPU share such as \"150%\" or \"1.5\"");
    EXPECT_EQ(refusal(R"({"limits":{"timeout":"soon"}})"),
              "limits.timeout: expected a duration such as \"2h\" or \"90s\"");
    for (const char* pids : {"0", "-1", "4194305", "1.5", "\"many\"", "18446744073709551615"})
        EXPECT_EQ(refusal(std::string(R"({"limits":{"pids":)") + pids + "}}"),
                  "limits.pids: expected a whole number from 1 to 4194304")
            << pids;
}

TEST(ApiLimitsBody, TheRunsLimitsOverrideTheProjects) {
    core::ResourceLimits project{1u << 30, 100.0, 60000, 100};
    core::ResourceLimits run;
    run.memoryBytes = 2u << 30;
    run.pids = 7;
    auto merged = project.overriddenBy(run);
    EXPECT_EQ(merged.memoryBytes, 2u << 30);
    EXPECT_EQ(merged.cpuPercent, 100.0);
    EXPECT_EQ(merged.timeoutMs, 60000);
    EXPECT_EQ(merged.pids, 7);
}

}  // namespace
}  // namespace parawork::api
