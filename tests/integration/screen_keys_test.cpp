// The screen as text and keys by name, end to end (issue 19 item 4): real programs in real
// sessions — a shell's line editor, vim when it is installed — steered by `send-keys` and read
// back through `screen`, over the API and the CLI; and every bad input refused with its reason.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/executables.hpp"
#include "support/session_api.hpp"
#include "unit_support/read_file.hpp"
#include "unit_support/temp_dir.hpp"
#include "unit_support/wait_until.hpp"

namespace parawork::test {
namespace {

namespace json = boost::json;

std::string str(const json::value& v) {
    return std::string(v.as_string());
}

/// A session and the calls this file makes on it.
class Steered {
  public:
    Steered(SessionApi& api, const std::vector<std::string>& argv,
            const std::string& extraJson = {})
        : api_(api) {
        id_ = str(api.start(api.createWorkspace(), argv, extraJson).at("id"));
    }
    const std::string& id() const { return id_; }

    json::object screen() {
        unsigned status = 0;
        auto answer = api_.call("GET", "/api/sessions/" + id_ + "/screen", {}, &status);
        EXPECT_EQ(status, 200u) << json::serialize(answer);
        return answer.at("data").as_object();
    }
    /// Waits until the screen's text contains `needle`; returns the screen.
    json::object waitScreen(const std::string& needle) {
        json::object last;
        bool shown = waitUntil([&] {
            last = screen();
            return str(last.at("text")).find(needle) != std::string::npos;
        });
        EXPECT_TRUE(shown) << "never on the screen: " << needle << "\nlast:\n"
                           << str(last.at("text"));
        return last;
    }
    void keys(const std::vector<std::string>& keys, bool literal = false) {
        json::object body{{"keys", json::array(keys.begin(), keys.end())}, {"literal", literal}};
        unsigned status = 0;
        auto answer =
            api_.call("POST", "/api/sessions/" + id_ + "/keys", json::serialize(body), &status);
        EXPECT_EQ(status, 200u) << json::serialize(answer);
    }

  private:
    SessionApi& api_;
    std::string id_;
};

/// Whether a process named `name` whose parent is `parent` is its terminal's foreground job (its
/// process group is the terminal's: /proc/<pid>/stat's pgrp and tpgid).
bool foregroundChild(int parent, const std::string& name) {
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        auto pid = entry.path().filename().string();
        if (pid.find_first_not_of("0123456789") != std::string::npos) continue;  // not a pid
        std::string stat = readFile(entry.path() / "stat");  // "" when gone meanwhile
        auto open = stat.find('('), close = stat.rfind(')');
        if (open == std::string::npos || close == std::string::npos) continue;
        std::istringstream rest(stat.substr(close + 2));
        std::string state;
        int ppid = 0, pgrp = 0, session = 0, tty = 0, tpgid = 0;
        rest >> state >> ppid >> pgrp >> session >> tty >> tpgid;
        if (stat.substr(open + 1, close - open - 1) == name && ppid == parent && pgrp == tpgid)
            return true;
    }
    return false;
}

/// How many times `needle` occurs in `text`.
std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

const std::vector<std::string> kBash{"bash", "--norc", "--noprofile", "-i"};
/// A prompt of our own: bash's default ends in `$` or `#` depending on who runs the tests.
const std::string kPromptEnv = R"("env":{"PS1":"ready> "})";

TEST(ScreenKeys, KeysDriveAShellsLineEditorAndTheScreenShowsIt) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    Steered shell(api, kBash, kPromptEnv);
    shell.waitScreen("ready>");
    // Left twice moves the cursor into the line (readline reads the normal-mode arrows).
    shell.keys({"echo abc", "Left", "Left", "X", "Enter"});
    shell.waitScreen("\naXbc\n");
    shell.keys({"Up", "Enter"});  // history: the same line again
    ASSERT_TRUE(waitUntil([&] { return count(str(shell.screen().at("text")), "\naXbc\n") == 2; }));
    // C-c interrupts the foreground job; the shell says how it ended.
    shell.keys({"sleep 1000", "Enter"});
    shell.waitScreen("sleep 1000\n");
    // Only once sleep is the foreground job: a C-c before bash hands it the terminal reaches bash.
    int shellPid = api.session(shell.id()).at("processId").to_number<int>();
    ASSERT_TRUE(waitUntil([&] { return foregroundChild(shellPid, "sleep"); }));
    shell.keys({"C-c"});  // the terminal echoes it, and flushes what was typed after it
    shell.waitScreen("^C\nready>");
    shell.keys({"echo status=$?", "Enter"});
    auto screen = shell.waitScreen("status=130");
    EXPECT_EQ(screen.at("cols").to_number<int>(), 120);
    EXPECT_EQ(screen.at("lines").as_array().size(),
              static_cast<std::size_t>(screen.at("rows").to_number<int>()));
    EXPECT_FALSE(screen.at("altScreen").as_bool());
    EXPECT_TRUE(screen.at("cursor").at("visible").as_bool());
    EXPECT_GT(screen.at("offset").to_number<std::uint64_t>(), 0u);
    // The cursor comes to stand after the next prompt ("ready> ": its blank is trimmed).
    EXPECT_TRUE(waitUntil([&] {
        auto now = shell.screen();
        auto row = now.at("cursor").at("row").to_number<std::size_t>();
        return str(now.at("lines").as_array().at(row)) == "ready>" &&
               now.at("cursor").at("col").to_number<int>() == 7;
    }));
}

TEST(ScreenKeys, LiteralKeysAreTypedAsText) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    Steered shell(api, kBash, kPromptEnv);
    shell.waitScreen("ready>");
    shell.keys({"echo ", "Enter", "C-c"}, true);  // the words themselves
    shell.keys({"Enter"});
    shell.waitScreen("EnterC-c\n");
}

TEST(ScreenKeys, VimIsSteeredThroughItsModes) {
    const char* path = std::getenv("PATH");
    if (!core::findExecutable("vim", path ? path : "", "/")) GTEST_SKIP() << "vim is not installed";
    DaemonProcess daemon;
    SessionApi api(daemon);
    TempDir dir;
    auto file = (dir.path() / "notes.txt").string();
    Steered vim(api, {"vim", "-u", "NONE", "-i", "NONE", "-N", "-n", file});
    EXPECT_TRUE(vim.waitScreen("notes.txt").at("altScreen").as_bool());
    vim.keys({"i", "line one", "Enter", "line two"});
    vim.waitScreen("-- INSERT --");
    vim.keys({"Escape"});
    ASSERT_TRUE(waitUntil(
        [&] { return str(vim.screen().at("text")).find("-- INSERT --") == std::string::npos; }));
    // Up in vim's application cursor mode, sent in the normal form: vim reads it.
    vim.keys({"Up", "A", " edited", "Escape"});
    vim.waitScreen("line one edited\n");
    vim.keys({":wq", "Enter"});
    auto ended = api.waitEnded(vim.id());
    EXPECT_EQ(ended.at("status"), "completed");
    std::ifstream in(file);
    std::stringstream written;
    written << in.rdbuf();
    EXPECT_EQ(written.str(), "line one edited\nline two\n");
}

TEST(ScreenKeys, TheCliPrintsTheScreenAndSendsKeys) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    Steered shell(api, kBash, kPromptEnv);
    shell.waitScreen("ready>");
    auto sent = runCli(daemon.home(), {"send-keys", shell.id(), "echo from-cli", "Enter"});
    ASSERT_EQ(sent.exitCode, 0) << describe(sent);
    EXPECT_EQ(sent.out, "");
    shell.waitScreen("\nfrom-cli\n");
    auto text = runCli(daemon.home(), {"screen", shell.id()});
    ASSERT_EQ(text.exitCode, 0) << describe(text);
    EXPECT_NE(text.out.find("\nfrom-cli\n"), std::string::npos) << text.out;
    EXPECT_EQ(text.out, str(shell.screen().at("text")));
    auto asJson = runCli(daemon.home(), {"screen", "--json", shell.id()});
    ASSERT_EQ(asJson.exitCode, 0) << describe(asJson);
    auto data = json::parse(asJson.out).as_object();
    EXPECT_EQ(data.at("cols").to_number<int>(), 120);
    EXPECT_TRUE(data.at("cursor").as_object().contains("row"));
    EXPECT_NE(str(data.at("text")).find("from-cli"), std::string::npos);

    auto literal = runCli(daemon.home(), {"send-keys", "-l", shell.id(), "C-Foo"});
    ASSERT_EQ(literal.exitCode, 0) << describe(literal);
    shell.waitScreen("C-Foo");

    auto unknown = runCli(daemon.home(), {"send-keys", shell.id(), "Enter", "C-Foo"});
    EXPECT_EQ(unknown.exitCode, 2) << describe(unknown);
    EXPECT_NE(unknown.err.find("unknown key name C-Foo"), std::string::npos) << unknown.err;
}

TEST(ScreenKeys, BadRequestsAreRefusedWithTheirReason) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    Steered shell(api, kBash, kPromptEnv);
    shell.waitScreen("ready>");
    const std::string keys = "/api/sessions/" + shell.id() + "/keys";
    auto refused = [&](const std::string& method, const std::string& target,
                       const std::string& body, unsigned expected, const std::string& reason) {
        unsigned status = 0;
        auto answer = api.call(method, target, body, &status);
        EXPECT_EQ(status, expected) << target << " " << body;
        EXPECT_EQ(answer.at("success"), false);
        EXPECT_NE(str(answer.at("error")).find(reason), std::string::npos)
            << body << " → " << json::serialize(answer);
    };
    const std::string unknownId = "/api/sessions/00000000-0000-4000-8000-000000000000";
    refused("GET", unknownId + "/screen", {}, 404, "not found");
    refused("POST", unknownId + "/keys", R"({"keys":["Enter"]})", 404, "not found");
    refused("POST", keys, R"({"keys":["Enter","C-Foo"]})", 400, "unknown key name C-Foo");
    refused("POST", keys, R"({"keys":["F13"]})", 400, "unknown key name F13");
    std::string many = "[";
    for (int i = 0; i <= 1000; ++i) many += i == 0 ? "\"Up\"" : ",\"Up\"";
    refused("POST", keys, R"({"keys":)" + many + "]}", 400, "at most 1000");
    refused("POST", keys, R"({"keys":[")" + std::string(65 * 1024, 'x') + R"("]})", 400,
            "keys too long");
    refused("POST", keys, R"({"keys":["Enter",)", 400, "");
    refused("POST", keys, R"({"keys":["Enter",7]})", 400, "expected strings");
    refused("POST", keys, R"({"keys":"Enter"})", 400, "keys");
    refused("POST", keys, R"({"keys":[]})", 400, "keys");
    refused("POST", keys, R"({})", 400, "keys");
    refused("POST", keys, R"({"keys":["Enter"],"literal":"yes"})", 400, "literal");

    shell.keys({"exit", "Enter"});
    api.waitEnded(shell.id());
    refused("GET", "/api/sessions/" + shell.id() + "/screen", {}, 409, "not running");
    refused("POST", keys, R"({"keys":["Enter"]})", 409, "not running");
    auto cli = runCli(daemon.home(), {"screen", shell.id()});
    EXPECT_EQ(cli.exitCode, 1) << describe(cli);
    EXPECT_NE(cli.err.find("not running"), std::string::npos) << cli.err;
}

}  // namespace
}  // namespace parawork::test
