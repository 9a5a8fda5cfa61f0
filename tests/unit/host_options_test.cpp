// Unit tests of the parawork-host command line.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "host/host_options.hpp"

namespace parawork::host {
namespace {

HostOptions parse(std::vector<std::string_view> args) {
    return parseHostOptions(args);
}

std::string errorOf(std::vector<std::string_view> args) {
    try {
        parse(args);
    } catch (const core::Error& e) {
        return e.what();
    }
    return "";
}

TEST(HostOptions, Defaults) {
    HostOptions o = parse({"--dir", "/tmp/s", "--", "claude", "--resume"});
    EXPECT_EQ(o.sessionDir, "/tmp/s");
    EXPECT_EQ(o.size, (WindowSize{80, 24}));
    EXPECT_FALSE(o.cwd);
    EXPECT_EQ(o.log.maxBytes, 64u << 20);
    EXPECT_EQ(o.log.segmentBytes, 4u << 20);
    EXPECT_EQ(o.linger.count(), 2000);
    EXPECT_EQ(o.command, (std::vector<std::string>{"claude", "--resume"}));
}

TEST(HostOptions, EveryOptionInBothForms) {
    HostOptions o =
        parse({"--dir=/d", "--cols", "132", "--rows=43", "--cwd", "/w", "--log-max-bytes", "8M",
               "--log-segment-bytes=64k", "--linger-ms", "0", "--", "sh", "--", "-c"});
    EXPECT_EQ(o.size, (WindowSize{132, 43}));
    EXPECT_EQ(o.cwd, "/w");
    EXPECT_EQ(o.log.maxBytes, 8u << 20);
    EXPECT_EQ(o.log.segmentBytes, 64u << 10);
    EXPECT_EQ(o.linger.count(), 0);
    EXPECT_EQ(o.command, (std::vector<std::string>{"sh", "--", "-c"}));  // after the first --
}

TEST(HostOptions, Errors) {
    EXPECT_EQ(errorOf({"--", "x"}), "--dir is required");
    EXPECT_EQ(errorOf({"--dir", "/d"}), "no command given after --");
    EXPECT_EQ(errorOf({"--dir", "/d", "--"}), "no command given after --");
    EXPECT_EQ(errorOf({"--dir", "/d", "--", ""}), "the command name is empty");
    EXPECT_EQ(errorOf({"--dir"}), "--dir needs a value");
    EXPECT_EQ(errorOf({"--dir", "/d", "--cols", "0", "--", "x"}),
              "--cols must be between 1 and 1000");
    EXPECT_EQ(errorOf({"--dir", "/d", "--rows", "1001", "--", "x"}),
              "--rows must be between 1 and 1000");
    EXPECT_EQ(errorOf({"--dir", "/d", "--cols", "8x", "--", "x"}),
              "invalid value for --cols: '8x'");
    EXPECT_EQ(errorOf({"--dir", "/d", "--cols", "-1", "--", "x"}),
              "invalid value for --cols: '-1'");
    EXPECT_EQ(errorOf({"--dir", "/d", "--log-max-bytes", "10", "--", "x"}),
              "--log-max-bytes must be between 4096 and 1125899906842624");
    EXPECT_EQ(errorOf({"--dir", "/d", "--log-max-bytes", "99999999999999999999G", "--", "x"}),
              "invalid value for --log-max-bytes: '99999999999999999999G'");
    EXPECT_EQ(errorOf({"--dir", "/d", "--log-max-bytes", "16T", "--", "x"}),
              "invalid value for --log-max-bytes: '16T'");
    EXPECT_EQ(errorOf({"--dir", "/d", "--frobnicate", "--", "x"}), "unknown option '--frobnicate'");
    EXPECT_EQ(errorOf({"--dir", "/d", "sleep", "1"}), "put -- before the command ('sleep')");
}

}  // namespace
}  // namespace parawork::host
