// Attention on the command line (issue 19 §3): `ps`'s STATE column, `ps --waiting`, `top`'s
// state and `parawork wait`, against a real daemon whose session makes itself waiting with an
// OSC 9 notification (the terminal layer's signal).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "support/session_api.hpp"

namespace parawork::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

/// A command that asks for attention once, then stays.
const std::vector<std::string> kAsks = {"sh", "-c",
                                        "printf '\\033]9;Approve the plan?\\007'; exec sleep 60"};

struct Fixture {
    DaemonProcess daemon;
    SessionApi api{daemon};
    std::string workspace = api.createWorkspace();

    ProcessResult run(const std::vector<std::string>& args) { return runCli(daemon.home(), args); }
    /// A command session (a workspace runs several of those).
    std::string start(const std::vector<std::string>& argv) {
        return std::string(api.start(workspace, argv, R"("kind":"command")").at("id").as_string());
    }
};

TEST(AttentionCli, WaitReturnsOnceTheSessionWaitsAndPsShowsWhy) {
    Fixture f;
    auto id = f.start(kAsks);
    auto waited = f.run({"wait", id, "--until", "waiting", "--timeout", "30s"});
    ASSERT_EQ(waited.exitCode, 0) << describe(waited);
    EXPECT_NE(waited.out.find("waiting:input: Approve the plan?"), std::string::npos) << waited.out;

    auto ps = f.run({"ps"});
    ASSERT_EQ(ps.exitCode, 0) << describe(ps);
    EXPECT_NE(ps.out.find("STATE"), std::string::npos) << ps.out;
    EXPECT_NE(ps.out.find("waiting:input"), std::string::npos) << ps.out;

    auto waiting = f.run({"ps", "--waiting"});
    ASSERT_EQ(waiting.exitCode, 0) << describe(waiting);
    EXPECT_NE(waiting.out.find("REASON"), std::string::npos) << waiting.out;
    EXPECT_NE(waiting.out.find("Approve the plan?"), std::string::npos) << waiting.out;
    auto listed = json::parse(f.run({"--json", "ps", "--waiting"}).out).as_array();
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].at("activity").at("reason"), "Approve the plan?");

    auto top = f.run({"top", "--once"});
    EXPECT_NE(top.out.find("waiting:input"), std::string::npos) << describe(top);

    auto metrics = api::HttpClient(f.daemon.unixSocket()).get("/metrics").body;
    EXPECT_NE(metrics.find("parawork_session_states{state=\"waiting\"} 1\n"), std::string::npos)
        << metrics;
    EXPECT_NE(metrics.find("parawork_session_states{state=\"working\"} 0\n"), std::string::npos);

    // turn-end (the default) is reached by waiting too; ended once it is stopped.
    EXPECT_EQ(f.run({"wait", id}).exitCode, 0);
    f.api.call("POST", "/api/sessions/" + id + "/stop");
    auto ended = f.run({"--json", "wait", id, "--until", "ended", "--timeout", "30s"});
    ASSERT_EQ(ended.exitCode, 0) << describe(ended);
    EXPECT_EQ(json::parse(ended.out).at("activity").at("state"), "completed");
    EXPECT_NE(f.run({"ps", "--waiting"}).out.find("no session is waiting"), std::string::npos);
}

TEST(AttentionCli, WaitTimesOutAndSaysWhenTheStateCanNoLongerCome) {
    Fixture f;
    auto busy = f.start({"sleep", "60"});
    auto timedOut = f.run({"--json", "wait", busy, "--until", "waiting", "--timeout", "200ms"});
    EXPECT_EQ(timedOut.exitCode, 124) << describe(timedOut);
    EXPECT_EQ(json::parse(timedOut.out).at("code"), "timeout");

    auto done = f.start({"true"});
    f.api.waitEnded(done);
    auto ended = f.run({"--json", "wait", done, "--until", "waiting"});
    EXPECT_EQ(ended.exitCode, 3) << describe(ended);
    EXPECT_EQ(json::parse(ended.out).at("code"), "ended");
    // Reached already: returns at once.
    EXPECT_EQ(f.run({"wait", done, "--until", "ended"}).exitCode, 0);
}

TEST(AttentionCli, WaitRefusesBadInput) {
    Fixture f;
    auto id = f.start({"sleep", "60"});
    auto badUntil = f.run({"wait", id, "--until", "done"});
    EXPECT_EQ(badUntil.exitCode, 2) << describe(badUntil);
    EXPECT_NE(badUntil.err.find("expected waiting, idle, turn-end or ended"), std::string::npos);
    auto badTimeout = f.run({"wait", id, "--timeout", "soon"});
    EXPECT_EQ(badTimeout.exitCode, 2) << describe(badTimeout);
    auto unknown = f.run({"--json", "wait", "no-such-session"});
    EXPECT_EQ(unknown.exitCode, 1) << describe(unknown);
    EXPECT_EQ(json::parse(unknown.out).at("code"), "not_found");
    auto missing = f.run({"wait"});
    EXPECT_EQ(missing.exitCode, 2) << describe(missing);
}

}  // namespace
}  // namespace parawork::test
