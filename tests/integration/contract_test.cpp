// The parawork wire contract (shared/reference/parawork-protocol.md) against a real daemon: every
// endpoint of §4's table with its status codes and error strings, every response shape of §3, the
// orderings of §16 item 13, authentication and CORS over TCP, and the WebSocket events of §6.
//
// Tests are written per the reference. They expect our documented deviations (DESIGN §6.1,
// docs/api.md) and nothing else: malformed JSON is 400, a failed worktree is an error, a missing
// agent binary is 400, a stop ends `completed` with exitReason "stopped", DELETE workspace stops
// its sessions, an unknown repositoryId is 404, open-terminal is 501, a path outside the allowed
// roots is 403, and extra fields are allowed everywhere.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <source_location>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "support/daemon_process.hpp"
#include "support/git_repo.hpp"
#include "support/shape.hpp"
#include "unit_support/temp_dir.hpp"
#include "unit_support/wait_until.hpp"

namespace parawork::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------------------
// Shapes of the reference (§0, §3, §4, §6.5)

const std::vector<std::string> kWorkspaceStatuses = {"idle", "running", "completed", "error"};
const std::vector<std::string> kSessionStatuses = {"starting", "running", "completed", "failed"};
const std::vector<std::string> kAgentTypes = {"claude-code", "codex", "opencode"};
const std::vector<std::string> kLogLevels = {"info", "warning", "error"};
const std::vector<std::string> kRoles = {"user", "assistant"};
const std::vector<std::string> kChangeTypes = {"created", "modified", "deleted"};

/// Milliseconds since the epoch, an integer (§0).
Shape timestamp() {
    return Shape::integer();
}

Shape repositoryShape() {
    return Shape::object({{"id", Shape::uuid()},
                          {"name", Shape::string()},
                          {"path", Shape::string()},
                          {"defaultBranch", Shape::string()},
                          {"remoteUrl", Shape::stringOrNull()},
                          {"createdAt", timestamp()},
                          {"updatedAt", timestamp()}});
}

Shape gitWorktreeShape() {
    return Shape::object({{"worktreePath", Shape::string()},
                          {"branchName", Shape::string()},
                          {"baseRepoPath", Shape::string()},
                          {"baseBranch", Shape::string()},
                          {"createdAt", timestamp()}});
}

/// A Workspace; `gitWorktree` is omitted (never null) without worktree metadata.
Shape workspaceShape() {
    return Shape::object({{"id", Shape::uuid()},
                          {"repositoryId", Shape::uuid().nullable()},
                          {"name", Shape::string()},
                          {"path", Shape::string()},
                          {"status", Shape::oneOf(kWorkspaceStatuses)},
                          {"agentType", Shape::oneOf(kAgentTypes).nullable()},
                          {"createdAt", timestamp()},
                          {"updatedAt", timestamp()},
                          {"lastFocusedAt", Shape::integerOrNull()},
                          {"gitWorktree", gitWorktreeShape().optional()}});
}

Shape worktreeWorkspaceShape() {
    return workspaceShape().extendedWith({{"gitWorktree", gitWorktreeShape()}});
}

Shape plainWorkspaceShape() {
    return workspaceShape().extendedWith({{"gitWorktree", Shape::absent()}});
}

Shape sessionShape() {
    return Shape::object({{"id", Shape::uuid()},
                          {"workspaceId", Shape::uuid()},
                          {"agentType", Shape::oneOf(kAgentTypes)},
                          {"status", Shape::oneOf(kSessionStatuses)},
                          {"processId", Shape::integerOrNull()},
                          {"startedAt", Shape::integerOrNull()},
                          {"completedAt", Shape::integerOrNull()}});
}

/// `lastMessage` is null, not omitted, without messages (§3).
Shape historyItemShape() {
    return sessionShape().extendedWith({{"messageCount", Shape::integer()},
                                        {"duration", Shape::integer()},
                                        {"lastMessage", Shape::stringOrNull()}});
}

Shape messageShape() {
    return Shape::object({{"id", Shape::uuid()},
                          {"sessionId", Shape::uuid()},
                          {"role", Shape::oneOf(kRoles)},
                          {"content", Shape::string()},
                          {"timestamp", timestamp()}});
}

Shape agentLogShape() {
    return Shape::object({{"id", Shape::integer()},
                          {"sessionId", Shape::uuid()},
                          {"timestamp", timestamp()},
                          {"level", Shape::oneOf(kLogLevels)},
                          {"message", Shape::string()}});
}

Shape fileChangeShape() {
    return Shape::object({{"id", Shape::integer()},
                          {"sessionId", Shape::uuid()},
                          {"filePath", Shape::string()},
                          {"changeType", Shape::oneOf(kChangeTypes)},
                          {"diff", Shape::stringOrNull()},
                          {"timestamp", timestamp()}});
}

Shape conversationEventShape() {
    return Shape::object({{"id", Shape::string()},
                          {"type", Shape::oneOf({"message", "agent_log"})},
                          {"timestamp", timestamp()},
                          {"content", Shape::string()},
                          {"role", Shape::oneOf(kRoles).nullable()},
                          {"level", Shape::oneOf(kLogLevels).nullable()}});
}

/// A message in the conversation: its UUID, a role, and a null level.
Shape conversationMessageShape() {
    return conversationEventShape().extendedWith({{"id", Shape::uuid()},
                                                  {"type", Shape::literal("message")},
                                                  {"role", Shape::oneOf(kRoles)},
                                                  {"level", Shape::null()}});
}

/// An agent log in the conversation: its integer id as a string, a null role, and a level.
Shape conversationLogShape() {
    auto decimal = Shape::string().where([](const json::value& v) -> std::string {
        auto s = v.as_string();
        bool digits = !s.empty() &&
                      std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
        return digits ? "" : "expected the log's integer id as a string, got " + describeValue(v);
    });
    return conversationEventShape().extendedWith({{"id", decimal},
                                                  {"type", Shape::literal("agent_log")},
                                                  {"role", Shape::null()},
                                                  {"level", Shape::oneOf(kLogLevels)}});
}

Shape gitInfoShape() {
    return Shape::object({{"branch", Shape::stringOrNull()}, {"remote", Shape::stringOrNull()}});
}

/// Browse and search entries: directories only; `gitInfo` only for git repositories,
/// `itemCount` only from browse (and omitted when unreadable). `lastModified` may be fractional.
Shape directoryEntryShape() {
    return Shape::object({{"name", Shape::string()},
                          {"path", Shape::string()},
                          {"isDirectory", Shape::literal(true)},
                          {"isGitRepository", Shape::boolean()},
                          {"gitInfo", gitInfoShape().optional()},
                          {"lastModified", Shape::number()},
                          {"itemCount", Shape::integer().optional()}});
}

/// List entries: `size` only for regular files.
Shape fileEntryShape() {
    return Shape::object({{"name", Shape::string()},
                          {"path", Shape::string()},
                          {"isDirectory", Shape::boolean()},
                          {"size", Shape::number().optional()},
                          {"lastModified", Shape::number()}});
}

Shape agentInfoShape() {
    return Shape::object({{"name", Shape::string()},
                          {"command", Shape::string()},
                          {"defaultArgs", Shape::arrayOf(Shape::string())}});
}

Shape configShape() {
    auto cors = Shape::object(
        {{"enabled", Shape::boolean()}, {"origins", Shape::arrayOf(Shape::string())}});
    auto agent = Shape::object({{"enabled", Shape::boolean()},
                                {"command", Shape::string()},
                                {"defaultArgs", Shape::arrayOf(Shape::string())}});
    return Shape::object({{"server", Shape::object({{"port", Shape::integer()}, {"cors", cors}})},
                          {"agents", Shape::mapOf(agent)},
                          {"features", Shape::object({{"gitIntegration", Shape::boolean()},
                                                      {"autoCleanup", Shape::boolean()}})},
                          {"apiKey", Shape::string()}});
}

Shape okEnvelope(Shape data) {
    return Shape::object({{"success", Shape::literal(true)}, {"data", std::move(data)}});
}

/// DELETE repository/workspace: `{"success":true}` with no `data` key at all.
Shape bareOkEnvelope() {
    return Shape::object({{"success", Shape::literal(true)}, {"data", Shape::absent()}});
}

Shape errorEnvelope() {
    return Shape::object({{"success", Shape::literal(false)}, {"error", Shape::string()}});
}

/// The data of every server → client event of §6.5 (and the three declared ones).
const std::map<std::string, Shape>& eventDataShapes() {
    static const std::map<std::string, Shape> shapes = {
        {"terminal_data", Shape::object({{"sessionId", Shape::uuid()},
                                         {"workspaceId", Shape::uuid()},
                                         {"data", Shape::string()}})},
        {"agent_log", Shape::object({{"sessionId", Shape::uuid()},
                                     {"workspaceId", Shape::uuid()},
                                     {"level", Shape::oneOf(kLogLevels)},
                                     {"message", Shape::string()},
                                     {"timestamp", timestamp()}})},
        {"session_completed", Shape::object({{"sessionId", Shape::uuid()},
                                             {"workspaceId", Shape::uuid()},
                                             {"success", Shape::boolean()},
                                             {"timestamp", timestamp()}})},
        {"user_terminal_started", Shape::object({{"terminalId", Shape::uuid()},
                                                 {"workspaceId", Shape::uuid()},
                                                 {"pid", Shape::integer()}})},
        {"user_terminal_data", Shape::object({{"terminalId", Shape::uuid()},
                                              {"workspaceId", Shape::uuid()},
                                              {"data", Shape::string()}})},
        {"user_terminal_exited", Shape::object({{"terminalId", Shape::uuid()},
                                                {"workspaceId", Shape::uuid()},
                                                {"exitCode", Shape::integerOrNull()}})},
        {"error", Shape::object({{"message", Shape::string()}})},
        {"workspace_status_changed", Shape::object({{"workspaceId", Shape::uuid()},
                                                    {"status", Shape::oneOf(kWorkspaceStatuses)},
                                                    {"timestamp", timestamp()}})},
        {"agent_message", Shape::object({{"sessionId", Shape::uuid()},
                                         {"workspaceId", Shape::uuid()},
                                         {"role", Shape::oneOf(kRoles)},
                                         {"content", Shape::string()},
                                         {"timestamp", timestamp()}})},
        {"file_changed", Shape::object({{"sessionId", Shape::uuid()},
                                        {"workspaceId", Shape::uuid()},
                                        {"filePath", Shape::string()},
                                        {"changeType", Shape::oneOf(kChangeTypes)},
                                        {"timestamp", timestamp()}})},
    };
    return shapes;
}

// ---------------------------------------------------------------------------------------------
// The checker itself

bool mentions(const std::vector<std::string>& problems, const std::string& text) {
    return std::any_of(problems.begin(), problems.end(),
                       [&](const std::string& p) { return p == text; });
}

TEST(ContractShape, ReportsEveryProblemWithItsJsonPath) {
    auto value = json::parse(R"({"success":true,"data":[
        {"id":"a","gitWorktree":{"branchName":"b"}},
        {"id":"b","gitWorktree":{"branchName":null}}]})");
    auto shape = okEnvelope(Shape::arrayOf(Shape::object(
        {{"id", Shape::string()},
         {"gitWorktree", Shape::object({{"branchName", Shape::string()}}).optional()}})));
    auto problems = check(value, shape);
    EXPECT_EQ(problems, std::vector<std::string>{
                            "data[1].gitWorktree.branchName: expected string, got null"});
    EXPECT_TRUE(check(value, okEnvelope(Shape::arrayOf(Shape::any()))).empty());
    EXPECT_EQ(check(json::value(3), Shape::string()),
              std::vector<std::string>{"(root): expected string, got number 3"});
}

TEST(ContractShape, RequiredNullableOptionalAndAbsentKeys) {
    auto shape = Shape::object({{"remoteUrl", Shape::stringOrNull()},
                                {"gitWorktree", Shape::object({}).optional()},
                                {"data", Shape::absent()}});
    EXPECT_TRUE(check(json::parse(R"({"remoteUrl":null})"), shape).empty());
    EXPECT_TRUE(check(json::parse(R"({"remoteUrl":"x","gitWorktree":{}})"), shape).empty());
    auto problems = check(json::parse(R"({"gitWorktree":null,"data":null})"), shape);
    EXPECT_TRUE(mentions(problems, "remoteUrl: missing (expected string or null)"))
        << describeProblems(problems);
    EXPECT_TRUE(mentions(problems, "gitWorktree: expected object, got null"))
        << describeProblems(problems);
    EXPECT_TRUE(mentions(problems, "data: must be absent, got null")) << describeProblems(problems);
    EXPECT_EQ(problems.size(), 3u);
}

TEST(ContractShape, EnumsUuidsIntegersAndLiterals) {
    auto status = Shape::oneOf(kWorkspaceStatuses);
    EXPECT_TRUE(check(json::value("idle"), status).empty());
    EXPECT_EQ(check(json::value("paused"), status),
              std::vector<std::string>{"(root): expected one of "
                                       "\"idle\"|\"running\"|\"completed\"|\"error\", got string "
                                       "\"paused\""});
    EXPECT_TRUE(check(json::value("0f8fad5b-d9cb-469f-a165-70867728950e"), Shape::uuid()).empty());
    for (const char* bad : {"0F8FAD5B-D9CB-469F-A165-70867728950E",  // upper case
                            "0f8fad5b-d9cb-169f-a165-70867728950e",  // version 1
                            "0f8fad5bd9cb469fa16570867728950e", "x"}) {
        EXPECT_EQ(check(json::value(bad), Shape::uuid()).size(), 1u) << bad;
    }
    EXPECT_TRUE(check(json::value(1700000000000), Shape::integer()).empty());
    EXPECT_EQ(check(json::value(1.5), Shape::integer()).size(), 1u);
    EXPECT_EQ(check(json::value("1"), Shape::integer()).size(), 1u);
    EXPECT_TRUE(check(json::value(1.5), Shape::number()).empty());
    EXPECT_EQ(check(json::value(false), Shape::literal(true)),
              std::vector<std::string>{"(root): expected true, got false"});
    EXPECT_TRUE(check(nullptr, Shape::integerOrNull()).empty());
}

TEST(ContractShape, ExtraKeysAreAllowedUnlessClosed) {
    auto open = Shape::object({{"id", Shape::string()}});
    auto value = json::parse(R"({"id":"x","exitReason":"stopped"})");
    EXPECT_TRUE(check(value, open).empty());
    EXPECT_EQ(check(value, open.closed()),
              std::vector<std::string>{"exitReason: unexpected key (string \"stopped\")"});
    auto extended = open.extendedWith({{"id", Shape::integer()}, {"n", Shape::integer()}});
    EXPECT_EQ(check(value, extended).size(), 2u);  // id is now an integer, n is missing
    auto map = Shape::mapOf(Shape::object({{"enabled", Shape::boolean()}}));
    EXPECT_EQ(check(json::parse(R"({"a":{"enabled":true},"b":{"enabled":1}})"), map),
              std::vector<std::string>{"b.enabled: expected boolean, got number 1"});
}

// ---------------------------------------------------------------------------------------------
// Talking to the daemon

const std::string kUnknownId = "8a6e0b2c-3f41-4d5e-9a7b-0c1d2e3f4a5b";

std::string str(const json::value& v) {
    return v.is_string() ? std::string(v.as_string()) : std::string();
}

/// v[key], or null when v is not an object or has no such key (never throws).
const json::value& field(const json::value& v, std::string_view key) {
    static const json::value null;
    const auto* found = v.is_object() ? v.as_object().if_contains(key) : nullptr;
    return found ? *found : null;
}

const json::value& field(const json::object& o, std::string_view key) {
    static const json::value null;
    const auto* found = o.if_contains(key);
    return found ? *found : null;
}

const json::array& items(const json::value& v) {
    static const json::array empty;
    return v.is_array() ? v.as_array() : empty;
}

std::int64_t integer(const json::value& v) {
    return v.is_int64()    ? v.as_int64()
           : v.is_uint64() ? static_cast<std::int64_t>(v.as_uint64())
                           : -1;
}

struct Reply {
    std::string request;  ///< "POST /api/..." for messages
    unsigned status = 0;
    api::HttpReply http;
    json::value body;  ///< null when the body is not JSON
    const json::value& data() const { return field(body, "data"); }
};

class Client {
  public:
    explicit Client(api::Endpoint endpoint, api::Headers always = {})
        : http_(std::move(endpoint)), always_(std::move(always)) {}

    Reply call(const std::string& method, const std::string& target, const std::string& body = {},
               const api::Headers& extra = {}) {
        api::Headers headers = always_;
        headers.insert(headers.end(), extra.begin(), extra.end());
        if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
        Reply r;
        r.request = method + " " + target;
        r.http = http_.request(method, target, headers, body);
        r.status = r.http.status;
        boost::system::error_code ec;
        r.body = json::parse(r.http.body, ec);
        if (ec) r.body = nullptr;
        return r;
    }
    Reply get(const std::string& target) { return call("GET", target); }
    Reply post(const std::string& target, const json::object& body = {}) {
        return call("POST", target, json::serialize(body));
    }
    Reply patch(const std::string& target, const json::object& body) {
        return call("PATCH", target, json::serialize(body));
    }
    Reply del(const std::string& target) { return call("DELETE", target); }

  private:
    api::HttpClient http_;
    api::Headers always_;
};

/// The reply has this status, a JSON content type, and a body of this shape.
::testing::AssertionResult conforms(const Reply& r, unsigned status, const Shape& body) {
    std::vector<std::string> problems;
    if (r.status != status)
        problems.push_back("status: expected " + std::to_string(status) + ", got " +
                           std::to_string(r.status));
    if (r.http.header("content-type") != "application/json; charset=utf-8")
        problems.push_back("Content-Type: expected application/json; charset=utf-8, got \"" +
                           r.http.header("content-type") + "\"");
    auto more = check(r.body, body);
    problems.insert(problems.end(), more.begin(), more.end());
    if (problems.empty()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << r.request << " does not follow the contract:\n"
           << describeProblems(problems) << "\n  body: " << r.http.body.substr(0, 2000);
}

/// A failure of `conforms`, reported at the caller's line.
void expectConforms(const Reply& r, unsigned status, const Shape& body,
                    const std::source_location& at) {
    if (auto result = conforms(r, status, body); !result)
        ADD_FAILURE_AT(at.file_name(), static_cast<int>(at.line())) << result.message();
}

/// `{success:true, data}` with data of `shape`; returns data (null when absent).
json::value expectData(const Reply& r, unsigned status, const Shape& shape,
                       const std::source_location& at = std::source_location::current()) {
    expectConforms(r, status, okEnvelope(shape), at);
    return r.data();
}

/// `{success:false, error}` with exactly this error string.
void expectError(const Reply& r, unsigned status, const std::string& error,
                 const std::source_location& at = std::source_location::current()) {
    expectConforms(r, status,
                   errorEnvelope().extendedWith({{"error", Shape::literal(json::value(error))}}),
                   at);
}

/// `{success:false, error:<some string>}`, e.g. a schema error whose text is zod's (§0).
void expectRefused(const Reply& r, unsigned status,
                   const std::source_location& at = std::source_location::current()) {
    expectConforms(r, status, errorEnvelope(), at);
}

std::vector<std::int64_t> column(const json::value& list, std::string_view key) {
    std::vector<std::int64_t> out;
    for (const auto& item : items(list)) out.push_back(integer(field(item, key)));
    return out;
}

std::vector<std::string> strings(const json::value& list, std::string_view key) {
    std::vector<std::string> out;
    for (const auto& item : items(list)) out.push_back(str(field(item, key)));
    return out;
}

bool nonIncreasing(const std::vector<std::int64_t>& v) {
    return std::is_sorted(v.rbegin(), v.rend());
}

bool nonDecreasing(const std::vector<std::int64_t>& v) {
    return std::is_sorted(v.begin(), v.end());
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

/// The main WebSocket, remembering every event it received.
class Events {
  public:
    using Match = std::function<bool(const json::object&)>;
    struct Found {
        std::size_t index;  ///< position among all events received
        json::object data;
    };

    explicit Events(api::WsClient ws) : ws_(std::move(ws)) {}

    void send(const std::string& frame) { ws_.sendText(frame); }
    void send(const std::string& type, const json::object& data) {
        send(json::serialize(json::object{{"type", type}, {"data", data}}));
    }
    void sendBinary(const std::string& frame) { ws_.sendBinary(frame); }

    /// The first event of `type` not returned before for which `match` holds, waiting for it
    /// when it has not arrived yet; nullopt when none came within `timeout`.
    std::optional<Found> waitFor(const std::string& type, const Match& match = {},
                                 std::chrono::milliseconds timeout = 20s) {
        auto until = std::chrono::steady_clock::now() + timeout;
        for (std::size_t i = 0;; ++i) {
            while (i >= seen_.size()) {
                auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    until - std::chrono::steady_clock::now());
                if (left.count() <= 0 || !receive(left)) return std::nullopt;
            }
            if (taken_[i] || str(field(seen_[i], "type")) != type) continue;
            const auto& data = field(seen_[i], "data");
            if (!data.is_object() || (match && !match(data.as_object()))) continue;
            taken_[i] = true;
            return Found{i, data.as_object()};
        }
    }

    /// The first error event not returned before: the answer to the frame that caused it.
    std::string nextError() {
        auto e = waitFor("error");
        return e ? str(field(e->data, "message")) : "(no error event)";
    }

    /// Makes sure every frame sent so far was handled: frames are handled in order, so the
    /// answer to a deliberately broken one comes after theirs. Returns the errors that came
    /// before it (none, when the earlier frames were all fine).
    std::vector<std::string> sync() {
        send("{");
        std::vector<std::string> before;
        for (;;) {
            auto message = nextError();
            if (message == "Invalid JSON" || message == "(no error event)") return before;
            before.push_back(message);
        }
    }

    const std::vector<json::value>& seen() const { return seen_; }

  private:
    bool receive(std::chrono::milliseconds timeout) {
        auto frame = ws_.read(timeout);
        if (!frame) return false;
        boost::system::error_code ec;
        auto event = json::parse(*frame, ec);
        seen_.push_back(ec ? json::value(json::object{{"type", "(not JSON)"}, {"raw", *frame}})
                           : event);
        taken_.push_back(false);
        return true;
    }

    api::WsClient ws_;
    std::vector<json::value> seen_;
    std::vector<bool> taken_;
};

/// Every event has the `{type, data}` form, and the data of the known types their shape.
void expectEventShapes(const std::vector<json::value>& events) {
    auto envelope = Shape::object({{"type", Shape::string()}, {"data", Shape::any()}});
    for (std::size_t i = 0; i < events.size(); ++i) {
        const auto& event = events[i];
        auto problems = check(event, envelope, "event[" + std::to_string(i) + "]");
        auto known = eventDataShapes().find(str(field(event, "type")));
        if (known != eventDataShapes().end()) {
            auto more = check(field(event, "data"), known->second,
                              "event[" + std::to_string(i) + "](" + known->first + ").data");
            problems.insert(problems.end(), more.begin(), more.end());
        } else {
            // Our own events (DESIGN §6.2) follow the same form with an object as data.
            auto more = check(field(event, "data"), Shape::object({}),
                              "event[" + std::to_string(i) + "].data");
            problems.insert(problems.end(), more.begin(), more.end());
        }
        EXPECT_TRUE(problems.empty())
            << describeProblems(problems) << "\n  event: " << json::serialize(event);
    }
}

/// A stand-in `claude` CLI: prints its arguments and a few lines, leaves a file in its working
/// directory, then echoes each line it reads.
fs::path writeFakeAgent(const TempDir& dir) {
    auto bin = dir.path() / "bin";
    fs::create_directories(bin);
    auto script = bin / "claude";
    std::ofstream(script) << "#!/bin/sh\n"
                             "printf 'agent started with args:'\n"
                             "for a in \"$@\"; do printf ' [%s]' \"$a\"; done\n"
                             "echo\n"
                             "echo 'step one'\n"
                             "echo 'step two'\n"
                             "echo 'written by the agent' > agent-note.txt\n"
                             "while IFS= read -r line; do echo \"got: $line\"; done\n";
    ::chmod(script.c_str(), 0755);
    return script;
}

/// Also the one line that lets the original frontend's Vite dev server in (docs/api.md).
std::string agentConfig(const fs::path& agent) {
    return "[server]\nallowed_origins = [\"http://localhost:5173\"]\n"
           "[agents.claude-code]\ncommand = \"" +
           agent.string() + "\"\n[agents.codex]\nenabled = false\n";
}

// ---------------------------------------------------------------------------------------------
// §4 #4-#30 in one flow: repositories, workspaces, agent sessions, the user terminal, removal.

/// A daemon whose claude-code agent is the stand-in script and whose codex agent is disabled.
class ContractDaemon : public ::testing::Test {
  protected:
    TempDir tools{"pw-contract-agent"};
    fs::path agent = writeFakeAgent(tools);
    DaemonProcess daemon{DaemonProcess::Options{.configToml = agentConfig(agent)}};
    Client api{daemon.unixSocket()};  ///< the unix socket needs no key
};

class ContractFlow : public ContractDaemon {
  protected:
    GitRepo alpha{"alpha", /*withOrigin=*/true};
    GitRepo beta{"beta"};
    TempDir plainDir{"pw-contract-plain"};

    std::string alphaId;     ///< repository with an origin
    std::string worktreeWs;  ///< workspace on a worktree of alpha (its sessions run here)
    std::string plainWs;     ///< workspace on a plain directory
    fs::path worktreePath;
    std::string sessionA;          ///< started with an initial prompt, then stopped
    std::string sessionB;          ///< the resume of A
    std::optional<Events> events;  ///< subscribed to worktreeWs

    void registerRepositories();
    void createWorkspaces();
    void runAgentSessions();
    void checkSessionReads();
    void resumeAndHistory();
    void useTheUserTerminal();
    void removeEverything();
    void checkEvents();
};

void ContractFlow::registerRepositories() {
    // §4 #5 POST /api/repositories: 201 Repository with the git facts.
    auto r = api.post("/api/repositories", {{"name", "alpha"}, {"path", alpha.path().string()}});
    auto repo = expectData(r, 201, repositoryShape());
    alphaId = str(field(repo, "id"));
    ASSERT_FALSE(alphaId.empty()) << r.http.body;
    EXPECT_EQ(field(repo, "name"), "alpha");
    EXPECT_EQ(str(field(repo, "path")), alpha.path().string());
    EXPECT_EQ(field(repo, "defaultBranch"), "main");
    EXPECT_EQ(field(repo, "remoteUrl"), json::value((alpha.base() / "origin.git").string()));
    EXPECT_EQ(field(repo, "createdAt"), field(repo, "updatedAt"));

    auto local = expectData(
        api.post("/api/repositories", {{"name", "Beta"}, {"path", beta.path().string()}}), 201,
        repositoryShape());
    auto betaId = str(field(local, "id"));
    EXPECT_TRUE(field(local, "remoteUrl").is_null());
    EXPECT_EQ(field(local, "defaultBranch"), "main");  // the checked-out branch

    expectError(
        api.post("/api/repositories", {{"name", "plain"}, {"path", plainDir.path().string()}}), 400,
        "Selected directory is not a git repository");
    expectError(api.post("/api/repositories", {{"name", "again"}, {"path", alpha.path().string()}}),
                409, "Repository already added");
    expectRefused(api.post("/api/repositories", {{"name", ""}, {"path", alpha.path().string()}}),
                  400);
    expectRefused(api.post("/api/repositories", {{"path", alpha.path().string()}}), 400);
    expectError(api.post("/api/repositories", {{"name", "x"}, {"path", "relative/dir"}}), 400,
                "Invalid path: Path must be absolute (start with /)");
    expectError(api.post("/api/repositories",
                         {{"name", "x"}, {"path", (plainDir.path() / "missing").string()}}),
                400, "Invalid path: Path does not exist");

    // §4 #4 GET /api/repositories: by name, binary collation ("Beta" before "alpha").
    auto list = expectData(api.get("/api/repositories"), 200, Shape::arrayOf(repositoryShape()));
    EXPECT_EQ(strings(list, "name"), (std::vector<std::string>{"Beta", "alpha"}));

    // Inside a git work tree is enough: a subdirectory of a repository is accepted.
    alpha.write("docs/guide.md", "# guide\n");
    auto sub = expectData(api.post("/api/repositories",
                                   {{"name", "docs"}, {"path", (alpha.path() / "docs").string()}}),
                          201, repositoryShape());
    api.del("/api/repositories/" + str(field(sub, "id")));

    // §4 #6 GET /api/repositories/:id
    EXPECT_EQ(expectData(api.get("/api/repositories/" + alphaId), 200, repositoryShape()), repo);
    expectError(api.get("/api/repositories/" + kUnknownId), 404, "Repository not found");

    // §4 #7 GET /api/repositories/:id/workspaces (none yet)
    EXPECT_TRUE(items(expectData(api.get("/api/repositories/" + alphaId + "/workspaces"), 200,
                                 Shape::arrayOf(workspaceShape())))
                    .empty());
    expectError(api.get("/api/repositories/" + kUnknownId + "/workspaces"), 404,
                "Repository not found");

    // §4 #8 PATCH /api/repositories/:id
    auto patched = expectData(api.patch("/api/repositories/" + betaId, {{"name", "Beta renamed"}}),
                              200, repositoryShape());
    EXPECT_EQ(field(patched, "name"), "Beta renamed");
    EXPECT_EQ(field(patched, "id"), field(local, "id"));
    EXPECT_GE(integer(field(patched, "updatedAt")), integer(field(local, "updatedAt")));
    auto same = expectData(api.patch("/api/repositories/" + betaId, {}), 200, repositoryShape());
    EXPECT_EQ(same, patched);  // nothing changed, updatedAt included
    expectRefused(api.patch("/api/repositories/" + betaId, {{"name", ""}}), 400);
    expectError(api.patch("/api/repositories/" + kUnknownId, {}), 404, "Repository not found");

    // §4 #9 DELETE /api/repositories/:id: {"success":true} without data.
    EXPECT_TRUE(conforms(api.del("/api/repositories/" + betaId), 200, bareOkEnvelope()));
    expectError(api.del("/api/repositories/" + betaId), 404, "Repository not found");
    EXPECT_EQ(items(api.get("/api/repositories").data()).size(), 1u);
}

void ContractFlow::createWorkspaces() {
    // §4 #11 POST /api/workspaces, as the new-workspace dialog sends it: a worktree of alpha.
    auto r = api.post("/api/workspaces", {{"name", "Contract Feature!"},
                                          {"path", alpha.path().string()},
                                          {"agentType", "claude-code"},
                                          {"repositoryId", alphaId}});
    auto ws = expectData(r, 201, worktreeWorkspaceShape());
    worktreeWs = str(field(ws, "id"));
    ASSERT_FALSE(worktreeWs.empty()) << r.http.body;
    const auto& g = field(ws, "gitWorktree");
    worktreePath = str(field(g, "worktreePath"));
    EXPECT_EQ(field(ws, "path"), field(g, "worktreePath"));
    EXPECT_EQ(field(g, "branchName"), "parawork/contract-feature");
    EXPECT_EQ(str(field(g, "baseRepoPath")), alpha.path().string());
    EXPECT_EQ(field(g, "baseBranch"), "origin/main");
    EXPECT_EQ(field(ws, "status"), "idle");
    EXPECT_EQ(field(ws, "agentType"), "claude-code");
    EXPECT_EQ(str(field(ws, "repositoryId")), alphaId);
    EXPECT_EQ(field(ws, "createdAt"), field(ws, "updatedAt"));      // created, updated and focused:
    EXPECT_EQ(field(ws, "lastFocusedAt"), field(ws, "createdAt"));  // all now
    EXPECT_TRUE(fs::is_directory(worktreePath));

    // A plain directory: its own path and no gitWorktree key at all.
    auto plain = expectData(
        api.post("/api/workspaces", {{"name", "plain"}, {"path", plainDir.path().string()}}), 201,
        plainWorkspaceShape());
    plainWs = str(field(plain, "id"));
    EXPECT_EQ(str(field(plain, "path")), plainDir.path().string());
    EXPECT_TRUE(field(plain, "repositoryId").is_null());
    EXPECT_TRUE(field(plain, "agentType").is_null());

    auto dir = plainDir.path().string();
    expectRefused(api.post("/api/workspaces", {{"path", dir}}), 400);
    expectRefused(
        api.post("/api/workspaces", {{"name", "x"}, {"path", dir}, {"repositoryId", nullptr}}),
        400);
    expectRefused(api.call("POST", "/api/workspaces", "{\"name\":"), 400);  // malformed JSON
    auto vim = api.post("/api/workspaces", {{"name", "x"}, {"path", dir}, {"agentType", "vim"}});
    expectRefused(vim, 400);  // agentType is an enumeration of agents, not any text
    if (vim.status == 201) api.del("/api/workspaces/" + str(field(vim.data(), "id")));  // go on
    expectError(
        api.post("/api/workspaces", {{"name", "x"}, {"path", dir}, {"repositoryId", kUnknownId}}),
        404, "Repository not found");
    expectError(api.post("/api/workspaces", {{"name", "x"}, {"path", "relative"}}), 400,
                "Invalid path: Path must be absolute (start with /)");
    expectError(api.post("/api/workspaces", {{"name", "x"}, {"path", dir + "/../x"}}), 400,
                "Invalid path: Path traversal not allowed");
    expectError(api.post("/api/workspaces", {{"name", "x"}, {"path", dir + "/missing"}}), 400,
                "Invalid path: Path does not exist");
    expectError(api.post("/api/workspaces", {{"name", "x"}, {"path", "/etc"}}), 400,
                "Invalid path: System directories are not allowed");

    // §4 #10 GET /api/workspaces: oldest first (createdAt, then id).
    auto list = expectData(api.get("/api/workspaces"), 200, Shape::arrayOf(workspaceShape()));
    ASSERT_EQ(items(list).size(), 2u);
    auto order = [](const json::value& a, const json::value& b) {
        return std::make_pair(integer(field(a, "createdAt")), str(field(a, "id"))) <
               std::make_pair(integer(field(b, "createdAt")), str(field(b, "id")));
    };
    EXPECT_TRUE(std::is_sorted(items(list).begin(), items(list).end(), order));

    // §4 #12 GET /api/workspaces/:id
    EXPECT_EQ(expectData(api.get("/api/workspaces/" + worktreeWs), 200, worktreeWorkspaceShape()),
              ws);
    expectError(api.get("/api/workspaces/" + kUnknownId), 404, "Workspace not found");

    // §4 #7 again: the repository's workspaces are the worktree one only.
    EXPECT_EQ(strings(api.get("/api/repositories/" + alphaId + "/workspaces").data(), "id"),
              std::vector<std::string>{worktreeWs});

    // §4 #13 PATCH /api/workspaces/:id: lastFocusedAt, status, name; other keys are stripped.
    auto path = "/api/workspaces/" + worktreeWs;
    auto focused = expectData(api.patch(path, {{"lastFocusedAt", 1700000000123}}), 200,
                              worktreeWorkspaceShape());
    EXPECT_EQ(integer(field(focused, "lastFocusedAt")), 1700000000123);
    auto stripped = expectData(api.patch(path, {{"agentType", "codex"}}), 200, workspaceShape());
    EXPECT_EQ(field(stripped, "agentType"), "claude-code");
    auto completed = expectData(api.patch(path, {{"status", "completed"}}), 200, workspaceShape());
    EXPECT_EQ(field(completed, "status"), "completed");
    auto renamed = expectData(api.patch(path, {{"status", "idle"}, {"name", "Contract feature"}}),
                              200, workspaceShape());
    EXPECT_EQ(field(renamed, "status"), "idle");
    EXPECT_EQ(field(renamed, "name"), "Contract feature");
    EXPECT_GE(integer(field(renamed, "updatedAt")), integer(field(ws, "updatedAt")));
    auto untouched = expectData(api.patch(path, {}), 200, workspaceShape());
    EXPECT_EQ(field(untouched, "updatedAt"), field(renamed, "updatedAt"));  // nothing changed
    expectRefused(api.patch(path, {{"status", "paused"}}), 400);
    expectRefused(api.patch(path, {{"name", ""}}), 400);
    expectRefused(api.patch(path, {{"lastFocusedAt", "soon"}}), 400);
    expectError(api.patch("/api/workspaces/" + kUnknownId, {{"name", "x"}}), 404,
                "Workspace not found");
}

void ContractFlow::runAgentSessions() {
    // The frontend's WebSocket (§6.1, over TCP with ?api_key=), subscribed to the workspace.
    events.emplace(api::WsClient::connect(daemon.tcp(), "/?api_key=" + daemon.token()));
    events->send("subscribe_workspace", {{"workspaceId", worktreeWs}});
    EXPECT_TRUE(events->sync().empty());  // subscribing is not acknowledged

    auto sessions = "/api/workspaces/" + worktreeWs + "/sessions";
    // §4 #16 POST /api/workspaces/:id/sessions: 201 with the running Session.
    auto r =
        api.post(sessions, {{"agentType", "claude-code"}, {"initialPrompt", "write the contract"}});
    auto a = expectData(r, 201, sessionShape());
    sessionA = str(field(a, "id"));
    ASSERT_FALSE(sessionA.empty()) << r.http.body;
    EXPECT_EQ(field(a, "status"), "running");
    EXPECT_EQ(str(field(a, "workspaceId")), worktreeWs);
    EXPECT_EQ(field(a, "agentType"), "claude-code");
    EXPECT_TRUE(field(a, "processId").is_int64() || field(a, "processId").is_uint64());
    EXPECT_FALSE(field(a, "startedAt").is_null());
    EXPECT_TRUE(field(a, "completedAt").is_null());
    auto ws = api.get("/api/workspaces/" + worktreeWs).data();
    EXPECT_EQ(field(ws, "status"), "running");

    expectError(api.post(sessions, {{"agentType", "claude-code"}}), 400,
                "Workspace already has an active session");
    // "in this exact order": workspace, then active session, then the body (§4.4).
    expectError(api.post(sessions, {{"agentType", nullptr}}), 400,
                "Workspace already has an active session");
    expectError(
        api.post("/api/workspaces/" + kUnknownId + "/sessions", {{"agentType", "claude-code"}}),
        404, "Workspace not found");

    // §4 #18 GET /api/sessions/:id
    EXPECT_EQ(field(expectData(api.get("/api/sessions/" + sessionA), 200, sessionShape()), "id"),
              field(a, "id"));
    expectError(api.get("/api/sessions/" + kUnknownId), 404, "Session not found");

    // Output arrives as terminal_data, then agent_log lines (§6.5, §6.6).
    auto ofA = [&](const json::object& d) { return str(field(d, "sessionId")) == sessionA; };
    auto data = events->waitFor("terminal_data", ofA);
    EXPECT_TRUE(data) << "no terminal_data for the agent";
    auto log = events->waitFor("agent_log", ofA);
    EXPECT_TRUE(log) << "no agent_log for the agent";
    if (data && log) {
        EXPECT_LT(data->index, log->index);
    }

    // §4 #20 POST /api/sessions/:id/input: verbatim, {"success":true,"data":null}.
    auto input = "/api/sessions/" + sessionA + "/input";
    auto sent = api.post(input, {{"input", "ping\r"}});
    EXPECT_TRUE(conforms(sent, 200, okEnvelope(Shape::null())));
    EXPECT_EQ(sent.http.body, R"({"success":true,"data":null})");
    expectError(api.post(input, {{"input", 5}}), 400, "Input must be a string");
    expectError(api.post("/api/sessions/" + kUnknownId + "/input", {{"input", "x"}}), 404,
                "Session not found");
    auto logs = "/api/sessions/" + sessionA + "/logs";
    EXPECT_TRUE(waitUntil([&] {
        auto messages = strings(api.get(logs).data(), "message");
        return std::any_of(messages.begin(), messages.end(), [](const std::string& m) {
            return m.find("got: ping") != std::string::npos;
        });
    })) << "the typed input never reached the agent";

    // §4 #24 POST /api/sessions/:id/messages: 201 Message, role user.
    auto messages = "/api/sessions/" + sessionA + "/messages";
    auto message =
        expectData(api.post(messages, {{"content", "second message"}}), 201, messageShape());
    EXPECT_EQ(field(message, "role"), "user");
    EXPECT_EQ(field(message, "content"), "second message");
    EXPECT_EQ(str(field(message, "sessionId")), sessionA);
    expectRefused(api.post(messages, {{"content", ""}}), 400);
    expectError(api.post("/api/sessions/" + kUnknownId + "/messages", {{"content", "x"}}), 404,
                "Session not found");

    checkSessionReads();

    // §4 #19 POST /api/sessions/:id/stop: 200 Session; it ends `completed` (exitReason
    // "stopped", our deviation) with session_completed success:true, the workspace idle.
    expectData(api.post("/api/sessions/" + sessionA + "/stop"), 200, sessionShape());
    auto done = events->waitFor("session_completed", ofA);
    ASSERT_TRUE(done) << "no session_completed after a stop";
    EXPECT_EQ(field(done->data, "success"), true);
    EXPECT_EQ(str(field(done->data, "workspaceId")), worktreeWs);
    json::value ended;
    EXPECT_TRUE(waitUntil([&] {
        ended = api.get("/api/sessions/" + sessionA).data();
        return field(ended, "status") == "completed";
    })) << json::serialize(ended);
    expectData(api.get("/api/sessions/" + sessionA), 200, sessionShape());
    EXPECT_EQ(field(ended, "exitReason"), "stopped");
    EXPECT_FALSE(field(ended, "completedAt").is_null());
    EXPECT_EQ(field(api.get("/api/workspaces/" + worktreeWs).data(), "status"), "idle");
    expectError(api.post("/api/sessions/" + kUnknownId + "/stop"), 404, "Session not found");
    expectError(api.post(input, {{"input", "late\r"}}), 400, "Session is not running");

    resumeAndHistory();
}

void ContractFlow::checkSessionReads() {
    // §4 #23 GET /api/sessions/:id/messages: oldest first; the initial prompt is one.
    auto messages = expectData(api.get("/api/sessions/" + sessionA + "/messages"), 200,
                               Shape::arrayOf(messageShape()));
    EXPECT_EQ(strings(messages, "content"),
              (std::vector<std::string>{"write the contract", "second message"}));
    EXPECT_TRUE(nonDecreasing(column(messages, "timestamp")));

    // §4 #22 GET /api/sessions/:id/logs: newest first, at most `limit`.
    auto logs = expectData(api.get("/api/sessions/" + sessionA + "/logs"), 200,
                           Shape::arrayOf(agentLogShape()));
    ASSERT_GE(items(logs).size(), 4u);  // args, step one, step two, got: ping
    EXPECT_TRUE(nonIncreasing(column(logs, "timestamp")));
    auto all = strings(logs, "message");
    EXPECT_TRUE(std::any_of(all.begin(), all.end(), [](const std::string& m) {
        return m.starts_with("agent started with args:");
    })) << "the agent's first line is not among its logs";
    auto limited = expectData(api.get("/api/sessions/" + sessionA + "/logs?limit=2"), 200,
                              Shape::arrayOf(agentLogShape()));
    ASSERT_EQ(items(limited).size(), 2u);
    EXPECT_EQ(
        column(limited, "timestamp"),
        (std::vector<std::int64_t>{column(logs, "timestamp")[0], column(logs, "timestamp")[1]}));
    EXPECT_EQ(items(api.get("/api/sessions/" + sessionA + "/logs?limit=0").data()).size(),
              items(logs).size());  // 0 means no limit
    auto nan = expectData(api.get("/api/sessions/" + sessionA + "/logs?limit=abc"), 200,
                          Shape::arrayOf(agentLogShape()));
    if (nan.is_array()) {
        EXPECT_EQ(items(nan).size(), items(logs).size());  // so does NaN
    }

    // §4 #25 GET /api/sessions/:id/changes: FileChange rows, newest first (the original always
    // answers []; tracking is allowed).
    auto changes = expectData(api.get("/api/sessions/" + sessionA + "/changes"), 200,
                              Shape::arrayOf(fileChangeShape()));
    EXPECT_TRUE(nonIncreasing(column(changes, "timestamp")));

    // §4 #26 GET /api/sessions/:id/full-conversation: ascending, messages before logs on ties,
    // `id` always a string.
    auto conversation = expectData(api.get("/api/sessions/" + sessionA + "/full-conversation"), 200,
                                   Shape::arrayOf(conversationEventShape()));
    std::set<std::string> messageIds, logIds;
    for (const auto& e : items(conversation)) {
        bool isMessage = field(e, "type") == "message";
        auto problems = check(e, isMessage ? conversationMessageShape() : conversationLogShape());
        EXPECT_TRUE(problems.empty()) << describeProblems(problems) << "\n" << json::serialize(e);
        (isMessage ? messageIds : logIds).insert(str(field(e, "id")));
    }
    EXPECT_TRUE(nonDecreasing(column(conversation, "timestamp")));
    const auto& list = items(conversation);
    for (std::size_t i = 1; i < list.size(); ++i) {
        if (field(list[i], "timestamp") == field(list[i - 1], "timestamp")) {
            EXPECT_FALSE(field(list[i - 1], "type") == "agent_log" &&
                         field(list[i], "type") == "message")
                << "a log before a message with the same timestamp at " << i;
        }
    }
    auto expectedMessages = strings(messages, "id");
    EXPECT_EQ(messageIds, std::set<std::string>(expectedMessages.begin(), expectedMessages.end()));
    std::set<std::string> expectedLogs;
    for (auto id : column(api.get("/api/sessions/" + sessionA + "/logs").data(), "id"))
        expectedLogs.insert(std::to_string(id));
    EXPECT_EQ(logIds, expectedLogs);

    // Unknown sessions read as empty lists, not 404 (§4.4).
    for (const char* what : {"logs", "messages", "changes", "full-conversation"}) {
        auto empty = expectData(api.get("/api/sessions/" + kUnknownId + "/" + what), 200,
                                Shape::arrayOf(Shape::any()));
        EXPECT_TRUE(items(empty).empty()) << what;
    }
}

void ContractFlow::resumeAndHistory() {
    auto history = "/api/workspaces/" + worktreeWs + "/sessions/history";
    // §4 #17 GET /api/workspaces/:id/sessions/history
    auto first = expectData(api.get(history), 200, Shape::arrayOf(historyItemShape()));
    ASSERT_EQ(items(first).size(), 1u);
    const auto& item = items(first)[0];
    EXPECT_EQ(str(field(item, "id")), sessionA);
    EXPECT_EQ(integer(field(item, "messageCount")), 2);
    EXPECT_EQ(field(item, "lastMessage"), "second message");
    EXPECT_EQ(integer(field(item, "duration")),
              integer(field(item, "completedAt")) - integer(field(item, "startedAt")));

    // §4 #27 POST /api/sessions/:id/resume: 200 (not 201), a new running session with copies
    // of the messages.
    auto resume = "/api/sessions/" + sessionA + "/resume";
    auto b = expectData(api.post(resume), 200, sessionShape());
    sessionB = str(field(b, "id"));
    ASSERT_FALSE(sessionB.empty());
    EXPECT_NE(sessionB, sessionA);
    EXPECT_EQ(field(b, "status"), "running");
    EXPECT_EQ(str(field(b, "workspaceId")), worktreeWs);
    auto copied = expectData(api.get("/api/sessions/" + sessionB + "/messages"), 200,
                             Shape::arrayOf(messageShape()));
    auto original = api.get("/api/sessions/" + sessionA + "/messages").data();
    EXPECT_EQ(strings(copied, "content"), strings(original, "content"));
    EXPECT_EQ(strings(copied, "role"), strings(original, "role"));
    EXPECT_EQ(column(copied, "timestamp"), column(original, "timestamp"));
    auto copiedIds = strings(copied, "id"), originalIds = strings(original, "id");
    for (const auto& id : copiedIds) {
        EXPECT_EQ(std::count(originalIds.begin(), originalIds.end(), id), 0) << "reused id " << id;
    }
    expectError(api.post(resume), 400, "Workspace already has an active session");
    expectError(api.post("/api/sessions/" + kUnknownId + "/resume"), 404, "Session not found");

    // §4 #15 GET /api/workspaces/:id/sessions: newest first.
    auto list = expectData(api.get("/api/workspaces/" + worktreeWs + "/sessions"), 200,
                           Shape::arrayOf(sessionShape()));
    EXPECT_EQ(strings(list, "id"), (std::vector<std::string>{sessionB, sessionA}));
    EXPECT_TRUE(nonIncreasing(column(list, "startedAt")));
    EXPECT_TRUE(items(expectData(api.get("/api/workspaces/" + kUnknownId + "/sessions"), 200,
                                 Shape::arrayOf(sessionShape())))
                    .empty());

    // §4 #21 POST /api/sessions/:id/open-terminal: 501 (our deviation), 404 for an unknown one.
    expectRefused(api.post("/api/sessions/" + sessionB + "/open-terminal"), 501);
    expectError(api.post("/api/sessions/" + kUnknownId + "/open-terminal"), 404,
                "Session not found");

    auto ofB = [&](const json::object& d) { return str(field(d, "sessionId")) == sessionB; };
    expectData(api.post("/api/sessions/" + sessionB + "/stop"), 200, sessionShape());
    EXPECT_TRUE(events->waitFor("session_completed", ofB)) << "no session_completed for B";
    EXPECT_TRUE(waitUntil([&] {
        return field(api.get("/api/sessions/" + sessionB).data(), "status") == "completed";
    }));
    auto both = expectData(api.get(history), 200, Shape::arrayOf(historyItemShape()));
    EXPECT_EQ(strings(both, "id"), (std::vector<std::string>{sessionB, sessionA}));
    EXPECT_TRUE(nonIncreasing(column(both, "startedAt")));
    EXPECT_TRUE(items(expectData(api.get("/api/workspaces/" + kUnknownId + "/sessions/history"),
                                 200, Shape::arrayOf(historyItemShape())))
                    .empty());

    // A session without messages: lastMessage is null, not omitted (§3).
    auto sessions = "/api/workspaces/" + worktreeWs + "/sessions";
    auto c = expectData(api.post(sessions, {{"agentType", "claude-code"}}), 201, sessionShape());
    auto sessionC = str(field(c, "id"));
    ASSERT_FALSE(sessionC.empty());
    expectData(api.post("/api/sessions/" + sessionC + "/stop"), 200, sessionShape());
    EXPECT_TRUE(waitUntil([&] {
        return field(api.get("/api/sessions/" + sessionC).data(), "status") == "completed";
    }));
    auto three = expectData(api.get(history), 200, Shape::arrayOf(historyItemShape()));
    EXPECT_EQ(strings(three, "id"), (std::vector<std::string>{sessionC, sessionB, sessionA}));
    if (!items(three).empty()) {
        EXPECT_TRUE(field(items(three)[0], "lastMessage").is_null());
        EXPECT_EQ(integer(field(items(three)[0], "messageCount")), 0);
    }

    // Refusals of a start (§4 #16), checked in the reference's order: the workspace, an active
    // session, the body, then the agent's configuration.
    expectRefused(api.post(sessions, {{"agentType", nullptr}}), 400);
    expectRefused(api.post(sessions, {}), 400);
    expectError(api.post(sessions, {{"agentType", "codex"}}), 400,
                "Agent type codex is not enabled");
    auto unknown = "/api/workspaces/" + kUnknownId + "/sessions";
    expectError(api.post(unknown, {}), 404, "Workspace not found");
    expectError(api.post(unknown, {{"agentType", "codex"}}), 404, "Workspace not found");
}

void ContractFlow::useTheUserTerminal() {
    auto path = "/api/workspaces/" + worktreeWs + "/terminal";
    auto opened = Shape::object({{"terminalId", Shape::uuid()}, {"existing", Shape::boolean()}});
    // §4 #28 POST /api/workspaces/:id/terminal: 201 new, then 200 existing.
    auto created = expectData(api.post(path), 201, opened);
    auto terminalId = str(field(created, "terminalId"));
    ASSERT_FALSE(terminalId.empty());
    EXPECT_EQ(field(created, "existing"), false);
    auto again = expectData(api.post(path), 200, opened);
    EXPECT_EQ(str(field(again, "terminalId")), terminalId);
    EXPECT_EQ(field(again, "existing"), true);
    expectError(api.post("/api/workspaces/" + kUnknownId + "/terminal"), 404,
                "Workspace not found");

    // §4 #30 GET /api/workspaces/:id/terminal
    auto active = expectData(
        api.get(path), 200,
        Shape::object({{"terminalId", Shape::uuid()}, {"active", Shape::literal(true)}}));
    EXPECT_EQ(str(field(active, "terminalId")), terminalId);
    auto inactive =
        Shape::object({{"active", Shape::literal(false)}, {"terminalId", Shape::absent()}});
    expectData(api.get("/api/workspaces/" + kUnknownId + "/terminal"), 200, inactive);

    auto ofTerminal = [&](const json::object& d) {
        return str(field(d, "terminalId")) == terminalId;
    };
    auto started = events->waitFor("user_terminal_started", ofTerminal);
    ASSERT_TRUE(started) << "no user_terminal_started";
    EXPECT_EQ(str(field(started->data, "workspaceId")), worktreeWs);
    events->send("user_terminal_input",
                 {{"terminalId", terminalId}, {"data", "echo contract-$((6*7))\r"}});
    std::string output;
    auto printed = events->waitFor("user_terminal_data", [&](const json::object& d) {
        if (str(field(d, "terminalId")) == terminalId) output += str(field(d, "data"));
        return output.find("contract-42") != std::string::npos;
    });
    EXPECT_TRUE(printed) << "the shell's answer never came; got: " << output;
    if (printed) {
        EXPECT_LT(started->index, printed->index);
    }

    // §4 #29 DELETE /api/workspaces/:id/terminal: {"success":true,"data":null}.
    auto stopped = api.del(path);
    EXPECT_TRUE(conforms(stopped, 200, okEnvelope(Shape::null())));
    EXPECT_EQ(stopped.http.body, R"({"success":true,"data":null})");
    auto exited = events->waitFor("user_terminal_exited", ofTerminal);
    EXPECT_TRUE(exited) << "no user_terminal_exited";
    EXPECT_TRUE(waitUntil([&] { return field(api.get(path).data(), "active") == false; }));
    expectData(api.get(path), 200, inactive);
    expectError(api.del(path), 404, "No terminal found for workspace");
}

void ContractFlow::removeEverything() {
    // §4 #9: the repository goes; its workspace stays, standalone.
    EXPECT_TRUE(conforms(api.del("/api/repositories/" + alphaId), 200, bareOkEnvelope()));
    expectError(api.del("/api/repositories/" + alphaId), 404, "Repository not found");
    auto orphan = expectData(api.get("/api/workspaces/" + worktreeWs), 200, workspaceShape());
    EXPECT_TRUE(field(orphan, "repositoryId").is_null());

    // §4 #14 DELETE /api/workspaces/:id: {"success":true} without data; the worktree goes.
    EXPECT_TRUE(conforms(api.del("/api/workspaces/" + worktreeWs), 200, bareOkEnvelope()));
    expectError(api.get("/api/workspaces/" + worktreeWs), 404, "Workspace not found");
    expectError(api.del("/api/workspaces/" + worktreeWs), 404, "Workspace not found");
    EXPECT_FALSE(fs::exists(worktreePath));
    auto branches = alpha.branches();
    EXPECT_EQ(std::count(branches.begin(), branches.end(), "parawork/contract-feature"), 0);
    EXPECT_TRUE(conforms(api.del("/api/workspaces/" + plainWs), 200, bareOkEnvelope()));
    EXPECT_TRUE(items(expectData(api.get("/api/workspaces"), 200, Shape::arrayOf(workspaceShape())))
                    .empty());
    EXPECT_TRUE(
        items(expectData(api.get("/api/repositories"), 200, Shape::arrayOf(repositoryShape())))
            .empty());
}

void ContractFlow::checkEvents() {
    const auto& seen = events->seen();
    expectEventShapes(seen);
    std::map<std::string, int> count;
    for (const auto& e : seen) {
        ++count[str(field(e, "type"))];
        // Only the subscribed workspace's events reach this connection (§6.2).
        const auto& ws = field(field(e, "data"), "workspaceId");
        if (!ws.is_null()) {
            EXPECT_EQ(str(ws), worktreeWs) << json::serialize(e);
        }
    }
    for (const char* type :
         {"terminal_data", "agent_log", "session_completed", "user_terminal_started",
          "user_terminal_data", "user_terminal_exited", "error", "workspace_status_changed"}) {
        EXPECT_GT(count[type], 0) << "no " << type << " event during the flow";
    }
}

TEST_F(ContractFlow, EveryEndpointThroughOneRealisticFlow) {
    registerRepositories();
    if (HasFatalFailure()) return;
    createWorkspaces();
    if (HasFatalFailure()) return;
    runAgentSessions();
    if (HasFatalFailure()) return;
    useTheUserTerminal();
    if (HasFatalFailure()) return;
    removeEverything();
    checkEvents();
}

// ---------------------------------------------------------------------------------------------
// §4 #1-#3, authentication, CORS and the fallbacks (§1, §2)

TEST_F(ContractDaemon, SystemEndpoints) {
    // §4 #1 GET /api/health
    expectData(api.get("/api/health"), 200,
               Shape::object({{"status", Shape::literal("ok")}, {"timestamp", timestamp()}}));

    // §4 #2 GET /api/agents: the enabled agents only.
    auto agents = expectData(api.get("/api/agents"), 200, Shape::arrayOf(agentInfoShape()));
    auto names = strings(agents, "name");
    EXPECT_NE(std::find(names.begin(), names.end(), "claude-code"), names.end());
    EXPECT_EQ(std::find(names.begin(), names.end(), "codex"), names.end());
    for (const auto& a : items(agents)) {
        if (field(a, "name") == "claude-code") {
            EXPECT_EQ(str(field(a, "command")), agent.string());
        }
    }

    // §4 #3 GET /api/config: the frontend reads data.apiKey (over TCP, as the browser asks).
    Client tcp(daemon.tcp(), {{"X-API-Key", daemon.token()}});
    auto config = expectData(tcp.get("/api/config"), 200, configShape());
    EXPECT_EQ(str(field(config, "apiKey")), daemon.token());
    EXPECT_EQ(integer(field(field(config, "server"), "port")), daemon.port());
    const auto& configured = field(config, "agents");
    EXPECT_EQ(field(field(configured, "codex"), "enabled"), false);  // disabled ones included
    EXPECT_EQ(field(field(configured, "claude-code"), "enabled"), true);
    EXPECT_EQ(str(field(field(configured, "claude-code"), "command")), agent.string());
}

TEST_F(ContractDaemon, AuthenticationCorsAndFallbacksOverTcp) {
    Client anonymous(daemon.tcp());
    // §2.1: 401 without a key, 403 with a wrong one; the key in the header or ?api_key=.
    expectError(anonymous.get("/api/workspaces"), 401,
                "Missing API key. Provide X-API-Key header or api_key query parameter.");
    expectError(anonymous.call("GET", "/api/workspaces", {}, {{"X-API-Key", "wrong"}}), 403,
                "Invalid API key");
    expectError(anonymous.get("/api/workspaces?api_key=wrong"), 403, "Invalid API key");
    expectData(anonymous.get("/api/workspaces?api_key=" + daemon.token()), 200,
               Shape::arrayOf(workspaceShape()));
    // The frontend sends an empty X-API-Key before it knows the key: then ?api_key= counts.
    expectData(
        anonymous.call("GET", "/api/workspaces?api_key=" + daemon.token(), {}, {{"X-API-Key", ""}}),
        200, Shape::arrayOf(workspaceShape()));
    Client keyed(daemon.tcp(), {{"X-API-Key", daemon.token()}});
    expectData(keyed.get("/api/workspaces"), 200, Shape::arrayOf(workspaceShape()));

    // §1: case-insensitive routes with a tolerated trailing slash; unknown /api paths.
    expectData(keyed.get("/api/Workspaces/"), 200, Shape::arrayOf(workspaceShape()));
    expectError(keyed.get("/api/x"), 404, "Endpoint not found");
    expectError(keyed.post("/api/x/y"), 404, "Endpoint not found");
    expectError(api.get("/api/x"), 404, "Endpoint not found");

    // §1 CORS for the original frontend's Vite dev server (allowed in agentConfig): preflight 204
    // before auth, echoing the asked headers.
    auto preflight = anonymous.call("OPTIONS", "/api/workspaces", {},
                                    {{"Origin", "http://localhost:5173"},
                                     {"Access-Control-Request-Method", "PATCH"},
                                     {"Access-Control-Request-Headers", "content-type,x-api-key"}});
    EXPECT_EQ(preflight.status, 204u);
    EXPECT_EQ(preflight.http.header("access-control-allow-origin"), "http://localhost:5173");
    EXPECT_EQ(preflight.http.header("access-control-allow-credentials"), "true");
    auto methods = preflight.http.header("access-control-allow-methods");
    for (const char* m : {"GET", "PUT", "PATCH", "POST", "DELETE"}) {
        EXPECT_NE(methods.find(m), std::string::npos) << m << " not in " << methods;
    }
    EXPECT_EQ(lower(preflight.http.header("access-control-allow-headers")),
              "content-type,x-api-key");
    EXPECT_NE(preflight.http.header("vary").find("Origin"), std::string::npos);
    auto foreign = anonymous.call(
        "OPTIONS", "/api/workspaces", {},
        {{"Origin", "http://elsewhere.example"}, {"Access-Control-Request-Method", "GET"}});
    EXPECT_EQ(foreign.status, 204u);
    EXPECT_EQ(foreign.http.header("access-control-allow-origin"), "");
    auto cors = keyed.call("GET", "/api/workspaces", {}, {{"Origin", "http://localhost:5173"}});
    EXPECT_EQ(cors.status, 200u);
    EXPECT_EQ(cors.http.header("access-control-allow-origin"), "http://localhost:5173");
    EXPECT_EQ(cors.http.header("access-control-allow-credentials"), "true");
    EXPECT_NE(cors.http.header("vary").find("Origin"), std::string::npos);

    // §2.2 WebSocket: ?api_key= on any path; without it the upgrade is refused with 401.
    try {
        api::WsClient::connect(daemon.tcp(), "/");
        ADD_FAILURE() << "an upgrade without a key was accepted";
    } catch (const api::WsRefused& e) {
        EXPECT_EQ(e.status, 401u);
    }
    try {
        api::WsClient::connect(daemon.tcp(), "/?api_key=wrong");
        ADD_FAILURE() << "an upgrade with a wrong key was accepted";
    } catch (const api::WsRefused& e) {
        EXPECT_EQ(e.status, 401u);
    }
    for (const char* path : {"/?api_key=", "/ws?api_key=", "/some/path?api_key="}) {
        Events ws(api::WsClient::connect(daemon.tcp(), path + daemon.token()));
        EXPECT_TRUE(ws.sync().empty()) << path;  // accepted and served
    }
}

// ---------------------------------------------------------------------------------------------
// §6.4: the answers to client frames

TEST(Contract, WebSocketClientErrors) {
    DaemonProcess daemon;
    Events ws(api::WsClient::connect(daemon.tcp(), "/?api_key=" + daemon.token()));
    auto invalidFormat = [](
                             const std::string& message) -> ::testing::
                                                             AssertionResult {
                                                                 const std::string prefix =
                                                                     "Invalid message format: ";
                                                                 if (!message.starts_with(prefix))
                                                                     return ::testing::
                                                                                AssertionFailure()
                                                                            << "not a format "
                                                                               "error: "
                                                                            << message;
                                                                 boost::system::error_code ec;
                                                                 auto issues = json::parse(
                                                                     message.substr(prefix.size()),
                                                                     ec);
                                                                 auto problems = ec ? std::vector<std::string>{"not JSON"}
                           : check(issues, Shape::arrayOf(Shape::object(
                                               {{"code", Shape::string()},
                                                {"path", Shape::arrayOf(Shape::any())},
                                                {"message", Shape::string()}})));
                                                                 if (items(issues).empty())
                                                                     problems.push_back(
                                                                         "no issues");
                                                                 if (problems.empty())
                                                                     return ::testing::
                                                                         AssertionSuccess();
                                                                 return ::testing::
                                                                            AssertionFailure()
                                                                        << "the zod issue list "
                                                                           "after the prefix is "
                                                                           "malformed:\n"
                                                                        << describeProblems(
                                                                               problems)
                                                                        << "\n  message: "
                                                                        << message;
                                                             };

    ws.send("{not json");
    EXPECT_EQ(ws.nextError(), "Invalid JSON");
    ws.sendBinary("{not json either");  // binary frames are read as UTF-8 text
    EXPECT_EQ(ws.nextError(), "Invalid JSON");
    ws.send(R"({"type":"bogus","data":{}})");
    EXPECT_TRUE(invalidFormat(ws.nextError()));
    ws.send("subscribe_workspace", {{"workspaceId", "not-a-uuid"}});
    EXPECT_TRUE(invalidFormat(ws.nextError()));
    ws.send("terminal_resize", {{"sessionId", kUnknownId}, {"cols", 0}, {"rows", 30}});
    EXPECT_TRUE(invalidFormat(ws.nextError()));
    ws.send("user_terminal_resize", {{"terminalId", kUnknownId}, {"cols", 80}, {"rows", 201}});
    EXPECT_TRUE(invalidFormat(ws.nextError()));
    ws.send("terminal_input", {{"sessionId", kUnknownId}, {"data", "x"}});
    EXPECT_EQ(ws.nextError(), "Failed to send input to terminal");
    ws.send("user_terminal_input", {{"terminalId", kUnknownId}, {"data", "x"}});
    EXPECT_EQ(ws.nextError(), "Failed to send input to user terminal");

    // Frames that are fine get no answer at all: resizes of unknown ids at the limits, a focus,
    // extra keys, the nil UUID, a duplicate subscribe.
    ws.send("terminal_resize", {{"sessionId", kUnknownId}, {"cols", 500}, {"rows", 200}});
    ws.send("user_terminal_resize", {{"terminalId", kUnknownId}, {"cols", 1}, {"rows", 1}});
    ws.send("focus_workspace", {{"workspaceId", kUnknownId}, {"extra", true}});
    ws.send("subscribe_workspace", {{"workspaceId", "00000000-0000-0000-0000-000000000000"}});
    ws.send("subscribe_workspace", {{"workspaceId", "00000000-0000-0000-0000-000000000000"}});
    EXPECT_EQ(ws.sync(), std::vector<std::string>{});

    // At most 50 subscriptions; the 51st is refused, even for an id already in the set.
    for (int i = 1; i < 50; ++i) {
        char id[37];
        std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i);
        ws.send("subscribe_workspace", {{"workspaceId", id}});
    }
    EXPECT_EQ(ws.sync(), std::vector<std::string>{});
    ws.send("subscribe_workspace", {{"workspaceId", kUnknownId}});
    EXPECT_EQ(ws.nextError(), "Too many workspace subscriptions");
    ws.send("subscribe_workspace", {{"workspaceId", "00000000-0000-4000-8000-000000000001"}});
    EXPECT_EQ(ws.nextError(), "Too many workspace subscriptions");
    ws.send("unsubscribe_workspace", {{"workspaceId", "00000000-0000-4000-8000-000000000001"}});
    ws.send("subscribe_workspace", {{"workspaceId", kUnknownId}});
    EXPECT_EQ(ws.sync(), std::vector<std::string>{});

    expectEventShapes(ws.seen());
}

// ---------------------------------------------------------------------------------------------
// §4 #31-#33 and §5.2: the filesystem routes, with a home directory of known content

void makeRepository(const fs::path& dir, const std::string& remote = {}) {
    fs::create_directories(dir);
    git(dir, {"init", "-q", "-b", "main"});
    std::ofstream(dir / "README.md") << "# " << dir.filename().string() << "\n";
    git(dir, {"add", "-A"});
    git(dir, {"commit", "-q", "-m", "initial"});
    if (!remote.empty()) git(dir, {"remote", "add", "origin", remote});
}

TEST(Contract, FilesystemRoutes) {
    TempDir homeDir("pw-contract-home");
    const fs::path home = homeDir.path();
    fs::create_directories(home / "Alpha" / "inner");
    std::ofstream(home / "Alpha" / ".dotfile") << "x";
    std::ofstream(home / "Alpha" / "file.txt") << "x";
    fs::create_directories(home / "beta");
    fs::create_directories(home / ".hidden");
    fs::create_directories(home / "node_modules");
    std::ofstream(home / "notes.txt") << "twelve bytes";
    std::ofstream(home / ".env") << "A=1\n";
    fs::create_directory_symlink(home / "beta", home / "link-to-beta");
    makeRepository(home / "widget", "https://example.com/widget.git");
    makeRepository(home / "Projects" / "my-widget");
    makeRepository(home / "code-stuff" / "widget-tools");
    makeRepository(home / ".hidden" / "widget-secret");        // hidden: never searched
    makeRepository(home / "widget" / "sub" / "widget-inner");  // inside a repository: not walked
    // Home is the only root, as by default: the test daemons' usual root, /tmp, holds other
    // tests' repositories, which the search would find.
    DaemonProcess daemon(DaemonProcess::Options{
        .env = {{"HOME", home.string()}, {"PARAWORK_FILES_ALLOWED_ROOTS", home.string()}}});
    Client api(daemon.unixSocket());
    auto query = [](const fs::path& p) { return "?path=" + p.string(); };

    // §4 #31 GET /api/fs/browse
    auto browseShape = Shape::object({{"currentPath", Shape::string()},
                                      {"parentPath", Shape::stringOrNull()},
                                      {"entries", Shape::arrayOf(directoryEntryShape())}});
    auto browsed = expectData(api.get("/api/fs/browse" + query(home)), 200, browseShape);
    EXPECT_EQ(str(field(browsed, "currentPath")), home.string());
    EXPECT_EQ(str(field(browsed, "parentPath")), home.parent_path().string());
    // Real subdirectories only (no files, symlinks or hidden names), case-insensitively sorted.
    EXPECT_EQ(strings(field(browsed, "entries"), "name"),
              (std::vector<std::string>{"Alpha", "beta", "code-stuff", "node_modules", "Projects",
                                        "widget"}));
    for (const auto& e : items(field(browsed, "entries"))) {
        bool repo = field(e, "name") == "widget";
        EXPECT_EQ(field(e, "isGitRepository"), repo) << json::serialize(e);
        EXPECT_EQ(str(field(e, "path")), (home / str(field(e, "name"))).string());
        auto problems =
            check(e, repo ? directoryEntryShape().extendedWith({{"gitInfo", gitInfoShape()}})
                          : directoryEntryShape().extendedWith({{"gitInfo", Shape::absent()}}));
        EXPECT_TRUE(problems.empty()) << describeProblems(problems) << "\n" << json::serialize(e);
        if (repo) {
            EXPECT_EQ(field(field(e, "gitInfo"), "branch"), "main");
            EXPECT_EQ(field(field(e, "gitInfo"), "remote"), "https://example.com/widget.git");
        }
        if (field(e, "name") == "Alpha") {
            EXPECT_EQ(integer(field(e, "itemCount")), 3);  // hidden ones included
        }
    }
    // The default is ~; a leading ~/ is expanded.
    EXPECT_EQ(str(field(expectData(api.get("/api/fs/browse"), 200, browseShape), "currentPath")),
              home.string());
    EXPECT_EQ(str(field(expectData(api.get("/api/fs/browse?path=~/Alpha"), 200, browseShape),
                        "currentPath")),
              (home / "Alpha").string());
    // §5.2 reasons, bare (no "Invalid path:" prefix).
    expectError(api.get("/api/fs/browse?path=relative/dir"), 400, "Path must be absolute");
    expectError(api.get("/api/fs/browse" + query(home / ".." / "x")), 400,
                "Path traversal not allowed");
    expectError(api.get("/api/fs/browse?path=/etc"), 400, "System directories are not allowed");
    expectError(api.get("/api/fs/browse" + query(home / "missing")), 400, "Path does not exist");
    expectError(api.get("/api/fs/browse" + query(home / "notes.txt")), 400,
                "Path must be a directory");
    expectRefused(api.get("/api/fs/browse" + query(home) + "&path=" + home.string()), 400);
    expectRefused(api.get("/api/fs/browse?path=/"), 403);  // outside the allowed roots (ours)

    // §4 #32 GET /api/fs/list: directories first, then files; dotfiles shown except the
    // ignored names; a symlink to a directory is not a directory; size for regular files only.
    auto listShape = Shape::object(
        {{"currentPath", Shape::string()}, {"entries", Shape::arrayOf(fileEntryShape())}});
    auto listed = expectData(api.get("/api/fs/list" + query(home)), 200, listShape);
    EXPECT_EQ(str(field(listed, "currentPath")), home.string());
    EXPECT_EQ(strings(field(listed, "entries"), "name"),
              (std::vector<std::string>{".hidden", "Alpha", "beta", "code-stuff", "Projects",
                                        "widget", ".env", "link-to-beta", "notes.txt"}));
    for (const auto& e : items(field(listed, "entries"))) {
        auto name = str(field(e, "name"));
        bool regular = name == ".env" || name == "notes.txt";
        bool directory = !regular && name != "link-to-beta";
        EXPECT_EQ(field(e, "isDirectory"), directory) << name;
        EXPECT_EQ(field(e, "size").is_number(), regular) << name;
        EXPECT_EQ(field(e, "path"), json::value((home / name).string())) << name;
    }
    auto repo = expectData(api.get("/api/fs/list" + query(home / "widget")), 200, listShape);
    EXPECT_EQ(strings(field(repo, "entries"), "name"),
              (std::vector<std::string>{"sub", "README.md"}));  // no .git
    expectError(api.get("/api/fs/list"), 400, "Path is required");
    expectError(api.get("/api/fs/list?path=relative"), 400, "Path must be absolute");
    expectError(api.get("/api/fs/list" + query(home / "missing")), 400, "Path does not exist");

    // §4 #33 GET /api/fs/search-repos: exact name, then prefix, then alphabetical.
    auto searchShape = Shape::object({{"query", Shape::string()},
                                      {"results", Shape::arrayOf(directoryEntryShape().extendedWith(
                                                      {{"gitInfo", gitInfoShape()}}))}});
    auto found = expectData(api.get("/api/fs/search-repos?q=Widget"), 200, searchShape);
    EXPECT_EQ(field(found, "query"), "widget");
    EXPECT_EQ(strings(field(found, "results"), "path"),
              (std::vector<std::string>{(home / "widget").string(),
                                        (home / "code-stuff" / "widget-tools").string(),
                                        (home / "Projects" / "my-widget").string()}));
    for (const auto& e : items(field(found, "results"))) {
        EXPECT_EQ(field(e, "isGitRepository"), true) << json::serialize(e);
    }
    auto shortQuery = expectData(api.get("/api/fs/search-repos?q=%20W%20"), 200, searchShape);
    EXPECT_EQ(field(shortQuery, "query"), "w");
    EXPECT_TRUE(items(field(shortQuery, "results")).empty());
}

}  // namespace
}  // namespace parawork::test
