// Review comments end to end (issue 20 §1): comments on a worktree workspace's changes, sent as
// one message to a real agent session (a shell loop that echoes what it reads) once it is idle,
// refused while it works; bad input; and the CLI.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "support/git_repo.hpp"
#include "support/session_api.hpp"
#include "unit_support/wait_until.hpp"

namespace parawork::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

std::string str(const json::value& v) {
    return v.is_string() ? std::string(v.as_string()) : std::string();
}

/// An agent that echoes each line it reads, marked so the echo of the terminal itself does not
/// count ("got: …" is printed by the program only).
const std::string kEchoLoop = R"(while IFS= read -r line; do printf 'got: %s\n' "$line"; done)";

class ReviewComments : public ::testing::Test {
  protected:
    void SetUp() override {
        repo_.write("src/a.txt", "one\ntwo\nthree\n");
        repo_.write("-rf.txt", "dash\n");
        repo_.commit("base");
        auto created = api_.call(
            "POST", "/api/workspaces",
            json::serialize(json::object{{"name", "review"}, {"path", repo_.path().string()}}));
        ASSERT_TRUE(created.at("success").as_bool()) << json::serialize(created);
        ws_ = str(created.at("data").at("id"));
        worktree_ = str(created.at("data").at("path"));
        ASSERT_TRUE(created.at("data").as_object().contains("gitWorktree"));
        std::ofstream(fs::path(worktree_) / "src/a.txt") << "one\nTWO\nthree\n";
    }

    std::string comments() { return "/api/workspaces/" + ws_ + "/review/comments"; }

    /// POSTs a comment; returns the whole answer and sets `status`.
    json::value add(const json::object& body, unsigned& status) {
        return api_.call("POST", comments(), json::serialize(body), &status);
    }

    json::object addOk(const json::object& body) {
        unsigned status = 0;
        auto res = add(body, status);
        EXPECT_EQ(status, 201u) << json::serialize(res);
        return res.at("data").as_object();
    }

    json::value send(unsigned& status, const std::string& body = "{}") {
        return api_.call("POST", "/api/workspaces/" + ws_ + "/review/send", body, &status);
    }

    void waitState(const std::string& session, const std::string& state) {
        std::string last;
        EXPECT_TRUE(waitUntil(
            [&] {
                last = str(api_.session(session).at("activity").at("state"));
                return last == state;
            },
            60s))
            << "still " << last << ", not " << state;
    }

    DaemonProcess daemon_;
    SessionApi api_{daemon_};
    GitRepo repo_{"project"};
    std::string ws_, worktree_;
};

TEST_F(ReviewComments, AnIdleAgentGetsThemAsOneMessageAWorkingOneIsRefused) {
    auto upper = addOk({{"path", "src/a.txt"}, {"line", 2}, {"body", "Why upper case?"}});
    EXPECT_EQ(upper.at("quote"), "TWO");
    EXPECT_EQ(upper.at("side"), "new");
    EXPECT_EQ(upper.at("resolved"), false);
    EXPECT_TRUE(upper.at("sentAt").is_null());
    auto old = addOk({{"path", "src/a.txt"},
                      {"line", 1},
                      {"endLine", 2},
                      {"side", "old"},
                      {"body", "Keep the old spelling"}});
    EXPECT_EQ(old.at("quote"), "one\ntwo");

    unsigned status = 0;
    auto none = send(status);
    EXPECT_EQ(status, 409u);
    EXPECT_EQ(none.at("error"), "No agent is running in this workspace");

    // It works (prints) until the file `stop` appears, then reads messages.
    auto session =
        str(api_.start(ws_, {"sh", "-c",
                             "while [ ! -e stop ]; do echo working; sleep 0.3; done; " + kEchoLoop})
                .at("id"));
    waitState(session, "working");
    auto busy = send(status);
    EXPECT_EQ(status, 409u);
    EXPECT_TRUE(str(busy.at("error")).starts_with("The agent is working: "))
        << str(busy.at("error"));
    std::ofstream(fs::path(worktree_) / "stop") << "";
    waitState(session, "idle");

    auto sent = send(status);
    ASSERT_EQ(status, 200u) << json::serialize(sent);
    EXPECT_EQ(sent.at("data").at("sent"), 2);
    EXPECT_EQ(str(sent.at("data").at("sessionId")), session);
    auto output = api_.waitOutput(session, "got: Why upper case?");
    EXPECT_NE(output.find("got: Review comments on your changes (2)"), std::string::npos) << output;
    EXPECT_NE(output.find("got: 1. src/a.txt:1-2 (as it was in the base)"), std::string::npos);
    EXPECT_NE(output.find("got: TWO"), std::string::npos);
    EXPECT_EQ(output.find("200~"), std::string::npos) << "no bracketed paste asked for";

    auto listed = api_.call("GET", comments()).at("data").as_array();
    ASSERT_EQ(listed.size(), 2u);
    for (const auto& c : listed) {
        EXPECT_EQ(str(c.at("sentToSessionId")), session);
        EXPECT_TRUE(c.at("sentAt").is_number());
    }
    auto again = send(status);
    EXPECT_EQ(status, 400u) << json::serialize(again);
    api_.call("POST", "/api/sessions/" + session + "/stop");
    api_.waitEnded(session);
}

TEST_F(ReviewComments, AnAgentWithBracketedPasteGetsItInsideThePasteMarkers) {
    addOk({{"path", "src/a.txt"}, {"line", 2}, {"body", "first line\nsecond line"}});
    // `cat -v` shows the paste markers the program reads (ESC as ^[).
    auto session = str(api_.start(ws_, {"sh", "-c",
                                        "printf '\\033[?2004hready\\n'; while IFS= read -r line; "
                                        "do printf '%s\\n' \"$line\" | cat -v | sed 's/^/got: /'; "
                                        "done"})
                           .at("id"));
    waitState(session, "idle");
    unsigned status = 0;
    auto sent = send(status);
    ASSERT_EQ(status, 200u) << json::serialize(sent);
    auto output = api_.waitOutput(session, "got: ^[[201~");
    EXPECT_NE(output.find("got: ^[[200~Review comments on your changes (1)"), std::string::npos)
        << output;
    EXPECT_NE(output.find("got: first line\r\ngot: second line"), std::string::npos) << output;
    api_.call("POST", "/api/sessions/" + session + "/stop");
    api_.waitEnded(session);
}

TEST_F(ReviewComments, BadInputIsRefused) {
    auto expectStatus = [&](const json::object& body, unsigned expected) {
        unsigned status = 0;
        auto res = add(body, status);
        EXPECT_EQ(status, expected) << json::serialize(body) << " → " << json::serialize(res);
    };
    expectStatus({{"path", "src/a.txt"}, {"line", 0}, {"body", "x"}}, 400);
    expectStatus({{"path", "src/a.txt"}, {"line", 3}, {"endLine", 2}, {"body", "x"}}, 400);
    expectStatus({{"path", "src/a.txt"}, {"line", 1}, {"endLine", 1001}, {"body", "x"}}, 400);
    expectStatus({{"path", "src/a.txt"}, {"line", 1}, {"body", std::string(17 * 1024, 'x')}}, 400);
    expectStatus({{"path", "src/a.txt"}, {"line", 1}, {"body", ""}}, 400);
    expectStatus({{"path", "src/a.txt"}, {"line", 1}, {"body", "beep\x07"}}, 400);
    expectStatus({{"path", "../x"}, {"line", 1}, {"body", "x"}}, 400);
    expectStatus({{"path", worktree_ + "/src/a.txt"}, {"line", 1}, {"body", "x"}}, 400);
    expectStatus({{"path", "src/a.txt\n"}, {"line", 1}, {"body", "x"}}, 400);
    expectStatus({{"path", "src/a.txt"}, {"line", 1}, {"side", "middle"}, {"body", "x"}}, 400);
    expectStatus({{"path", "src/nope.txt"}, {"line", 1}, {"body", "x"}}, 400);
    expectStatus({{"path", "src/a.txt"}, {"line", 9}, {"body", "x"}}, 400);

    // A name that looks like an option is a file like any other, in the worktree and the base.
    EXPECT_EQ(addOk({{"path", "-rf.txt"}, {"line", 1}, {"body", "x"}}).at("quote"), "dash");
    EXPECT_EQ(addOk({{"path", "-rf.txt"}, {"line", 1}, {"side", "old"}, {"body", "x"}}).at("quote"),
              "dash");

    unsigned status = 0;
    api_.call("POST", "/api/workspaces/nope/review/comments",
              R"({"path":"src/a.txt","line":1,"body":"x"})", &status);
    EXPECT_EQ(status, 404u);
    api_.call("GET", "/api/workspaces/nope/review/comments", {}, &status);
    EXPECT_EQ(status, 404u);
    api_.call("GET", comments() + "?state=maybe", {}, &status);
    EXPECT_EQ(status, 400u);
    api_.call("PATCH", comments() + "/nope", R"({"resolved":true})", &status);
    EXPECT_EQ(status, 404u);
    api_.call("DELETE", comments() + "/nope", {}, &status);
    EXPECT_EQ(status, 404u);
    send(status, R"({"commentIds":["nope"]})");
    EXPECT_EQ(status, 404u);
}

TEST_F(ReviewComments, PatchAndDelete) {
    auto c = addOk({{"path", "src/a.txt"}, {"line", 1}, {"body", "x"}});
    auto target = comments() + "/" + str(c.at("id"));
    auto patched = api_.call("PATCH", target, R"({"resolved":true,"body":"y"})").at("data");
    EXPECT_EQ(patched.at("resolved"), true);
    EXPECT_EQ(patched.at("body"), "y");
    EXPECT_TRUE(patched.at("resolvedAt").is_number());
    EXPECT_EQ(api_.call("GET", comments() + "?state=open").at("data").as_array().size(), 0u);
    EXPECT_EQ(api_.call("GET", comments() + "?state=resolved").at("data").as_array().size(), 1u);
    EXPECT_EQ(api_.call("DELETE", target).at("data").at("deleted"), true);
    EXPECT_EQ(api_.call("GET", comments()).at("data").as_array().size(), 0u);
}

TEST_F(ReviewComments, TheCli) {
    auto run = [&](const std::vector<std::string>& args) {
        auto result = runCli(daemon_.home(), args);
        EXPECT_EQ(result.exitCode, 0) << describe(result);
        return json::parse(result.out);
    };
    auto added = run({"--json", "review", "add", ws_, "src/a.txt:1-2", "Why", "this?"});
    EXPECT_EQ(added.at("body"), "Why this?");
    EXPECT_EQ(added.at("quote"), "one\nTWO");
    auto id = str(added.at("id"));
    auto old = run({"--json", "review", "add", ws_, "src/a.txt:2", "--old", "--", "-was fine"});
    EXPECT_EQ(old.at("quote"), "two");
    EXPECT_EQ(old.at("body"), "-was fine");
    EXPECT_EQ(run({"--json", "review", "ls", ws_}).as_array().size(), 2u);
    auto resolved = run({"--json", "review", "resolve", id.substr(0, 8)});
    EXPECT_EQ(resolved.at(0).at("resolved"), true);
    EXPECT_EQ(run({"--json", "review", "ls", "--open"}).as_array().size(), 1u);
    EXPECT_EQ(run({"--json", "review", "reopen", id}).at(0).at("resolved"), false);

    auto bad = runCli(daemon_.home(), {"--json", "review", "add", ws_, "src/a.txt", "x"});
    EXPECT_NE(bad.exitCode, 0) << "no line";
    auto noAgent = runCli(daemon_.home(), {"--json", "review", "send", ws_});
    EXPECT_NE(noAgent.exitCode, 0);
    EXPECT_NE(noAgent.out.find("No agent is running"), std::string::npos) << describe(noAgent);

    auto session = str(api_.start(ws_, {"sh", "-c", "echo ready; " + kEchoLoop}).at("id"));
    waitState(session, "idle");
    auto sent = run({"--json", "review", "send", ws_, id});
    EXPECT_EQ(sent.at("sent"), 1);
    EXPECT_EQ(str(sent.at("sessionId")), session);
    api_.waitOutput(session, "got: Why this?");
    EXPECT_EQ(run({"--json", "review", "rm", id, str(old.at("id"))}).as_array().size(), 2u);
    EXPECT_EQ(run({"--json", "review", "ls"}).as_array().size(), 0u);
    api_.call("POST", "/api/sessions/" + session + "/stop");
    api_.waitEnded(session);
}

}  // namespace
}  // namespace parawork::test
