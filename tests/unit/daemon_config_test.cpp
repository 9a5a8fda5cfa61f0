// Unit tests of the settings table: defaults, config.toml, environment and flag overrides in
// that order of precedence, every kind of error with its location, and the generated defaults.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "daemon/config.hpp"
#include "unit_support/temp_dir.hpp"

namespace parawork::daemon {
namespace {

using test::TempDir;

namespace fs = std::filesystem;

GetEnv fakeEnv(std::map<std::string, std::string> vars = {}) {
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(std::string(name));
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

class ConfigFile : public ::testing::Test {
  protected:
    fs::path write(const std::string& text) {
        std::ofstream(file_) << text;
        return file_;
    }
    /// The message of the core::Error that loading throws, or "" if it does not.
    std::string loadError(const std::string& text, std::map<std::string, std::string> env = {}) {
        write(text);
        try {
            loadConfig(file_, fakeEnv(std::move(env)));
        } catch (const core::Error& e) {
            return e.what();
        }
        return "";
    }
    std::string at(int line, int column) const {
        return file_.string() + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
    }

    TempDir dir_;
    fs::path file_ = dir_.path() / "config.toml";
};

TEST_F(ConfigFile, MissingFileMeansDefaults) {
    Config c = loadConfig(dir_.path() / "absent.toml", fakeEnv());
    EXPECT_EQ(c, Config{});
    EXPECT_EQ(c.host, "127.0.0.1");
    EXPECT_FALSE(c.port);  // unset: 3000, or the next free port
    EXPECT_EQ(c.listenPort(), 3000);
    // No other origin may drive the daemon unless the owner says so (issue 18: a dev server
    // on Vite's port 5173 is just as likely an agent's project as parawork's frontend).
    EXPECT_TRUE(c.allowedOrigins.empty());
    EXPECT_EQ(c.requestHeadTimeoutMs, 15000);
    EXPECT_EQ(c.logLevel, "info");
    EXPECT_FALSE(c.worktreeBase);
}

TEST_F(ConfigFile, ValuesFromTheFile) {
    write(R"(
[server]
host = "0.0.0.0"
port = 8080
allowed_hosts = ["devbox.lan", "devbox.lan:8080"]
allowed_origins = []
worker_threads = 8
ws_ping_interval_sec = 10

[limits]
max_body_bytes = 2_000_000
max_ws_message_bytes = 65536
max_ws_subscriptions = 5
request_head_timeout_ms = 500

[log]
level = "debug"

[sessions]
log_max_bytes = 1048576
stop_grace_ms = 0

[paths]
worktree_base = "/srv/worktrees/"
)");
    Config c = loadConfig(file_, fakeEnv());
    EXPECT_EQ(c.host, "0.0.0.0");
    EXPECT_EQ(c.port, 8080);
    EXPECT_EQ(c.allowedHosts, (std::vector<std::string>{"devbox.lan", "devbox.lan:8080"}));
    EXPECT_TRUE(c.allowedOrigins.empty());
    EXPECT_EQ(c.workerThreads, 8);
    EXPECT_EQ(c.wsPingIntervalSec, 10);
    EXPECT_EQ(c.maxBodyBytes, 2000000u);
    EXPECT_EQ(c.maxWsMessageBytes, 65536u);
    EXPECT_EQ(c.maxWsSubscriptions, 5u);
    EXPECT_EQ(c.requestHeadTimeoutMs, 500);
    EXPECT_EQ(c.logLevel, "debug");
    EXPECT_EQ(c.sessionLogMaxBytes, 1048576u);
    EXPECT_EQ(c.stopGraceMs, 0);
    EXPECT_EQ(c.worktreeBase, "/srv/worktrees/");
}

TEST_F(ConfigFile, DottedKeysWork) {
    write("server.port = 4000\nlog.level = \"warn\"\n");
    Config c = loadConfig(file_, fakeEnv());
    EXPECT_EQ(c.port, 4000);
    EXPECT_EQ(c.logLevel, "warn");
}

TEST_F(ConfigFile, EnvironmentBeatsFileAndOverrideBeatsEnvironment) {
    write("[server]\nport = 4000\nhost = \"0.0.0.0\"\n");
    Config c = loadConfig(
        file_,
        fakeEnv({{"PARAWORK_SERVER_PORT", "5000"},
                 {"PARAWORK_SERVER_ALLOWED_ORIGINS", "http://a.test, https://b.test:8443 ,"}}));
    EXPECT_EQ(c.port, 5000);
    EXPECT_EQ(c.host, "0.0.0.0");  // the file's, no variable set
    EXPECT_EQ(c.allowedOrigins, (std::vector<std::string>{"http://a.test", "https://b.test:8443"}));
    applyOverride(c, "server.port", "6000", "--port");
    applyOverride(c, "log.level", "trace", "--log-level");
    EXPECT_EQ(c.port, 6000);
    EXPECT_EQ(c.logLevel, "trace");
}

// A port set anywhere is the user's choice, even the default's value; only the default moves
// on when another program has it.
TEST_F(ConfigFile, APortSetAnywhereIsChosenTheDefaultIsNot) {
    EXPECT_FALSE(loadConfig(file_, fakeEnv()).port);
    EXPECT_EQ(loadConfig(file_, fakeEnv({{"PARAWORK_SERVER_PORT", "3000"}})).port, 3000);
    Config flagged = loadConfig(file_, fakeEnv());
    applyOverride(flagged, "server.port", "0", "--port");
    EXPECT_EQ(flagged.port, 0);
    Config other = loadConfig(file_, fakeEnv());
    applyOverride(other, "log.level", "warn", "--log-level");
    EXPECT_FALSE(other.port);
    write("[server]\nport = 3000\n");
    EXPECT_EQ(loadConfig(file_, fakeEnv()).port, 3000);
    // The file `config defaults` prints leaves it unset.
    write(defaultConfigToml());
    EXPECT_FALSE(loadConfig(file_, fakeEnv()).port);
}

TEST_F(ConfigFile, EmptyListVariableClearsTheList) {
    Config c = loadConfig(file_, fakeEnv({{"PARAWORK_SERVER_ALLOWED_ORIGINS", ""}}));
    EXPECT_TRUE(c.allowedOrigins.empty());
}

TEST_F(ConfigFile, BooleansFromFileAndEnvironment) {
    write("[git]\ndelete_branch_on_remove = false\n");
    EXPECT_FALSE(loadConfig(file_, fakeEnv()).deleteBranchOnRemove);
    EXPECT_TRUE(loadConfig(file_, fakeEnv({{"PARAWORK_GIT_DELETE_BRANCH_ON_REMOVE", "true"}}))
                    .deleteBranchOnRemove);
    EXPECT_NE(loadError("git.delete_branch_on_remove = \"no\"\n").find("expected true or false"),
              std::string::npos);
    EXPECT_NE(loadError("", {{"PARAWORK_GIT_DELETE_BRANCH_ON_REMOVE", "yes"}})
                  .find("PARAWORK_GIT_DELETE_BRANCH_ON_REMOVE"),
              std::string::npos);
}

TEST_F(ConfigFile, AgentTablesChangeBuiltinsAndAddAgents) {
    write(R"([agents.claude-code]
command = "/opt/claude/bin/claude"
args = ["--model", "opus"]

[agents.codex]
enabled = false

[agents.my-bot]
command = "my-bot"
prompt = "flag"
prompt_flag = "--task"
resume_args = ["--resume"]
)");
    Config c = loadConfig(file_, fakeEnv());
    const auto* claude = core::findAgent(c.agents, "claude-code");
    ASSERT_TRUE(claude);
    EXPECT_EQ(claude->command, "/opt/claude/bin/claude");
    EXPECT_EQ(claude->args, (std::vector<std::string>{"--model", "opus"}));
    EXPECT_EQ(claude->resumeArgs, std::vector<std::string>{"--continue"});  // kept
    EXPECT_FALSE(core::findAgent(c.agents, "codex")->enabled);
    const auto* bot = core::findAgent(c.agents, "my-bot");
    ASSERT_TRUE(bot);
    EXPECT_EQ(bot->promptMode, core::PromptMode::Flag);
    EXPECT_EQ(bot->promptFlag, "--task");
    EXPECT_EQ(c.agents.size(), core::builtinAgents().size() + 1);
}

TEST_F(ConfigFile, AgentTableErrors) {
    EXPECT_NE(
        loadError("[agents.new]\nargs = []\n").find("agents.new: a new agent needs a command"),
        std::string::npos);
    EXPECT_NE(loadError("[agents.Bad]\ncommand = \"x\"\n").find("agents.Bad"), std::string::npos);
    EXPECT_NE(loadError("[agents.x]\ncommand = \"x\"\nprompt = \"shout\"\n")
                  .find("expected one of none, argument, flag, type"),
              std::string::npos);
    EXPECT_NE(loadError("[agents.x]\ncommand = \"x\"\nprompt = \"flag\"\n").find("prompt_flag"),
              std::string::npos);
    EXPECT_NE(loadError("[agents.x]\ncommand = \"x\"\ncolour = 1\n").find("unknown setting"),
              std::string::npos);
}

TEST_F(ConfigFile, DefaultsFileIncludesAgentsAndLoadsBack) {
    write(defaultConfigToml());
    EXPECT_EQ(loadConfig(file_, fakeEnv()), Config{});
}

TEST_F(ConfigFile, BranchPrefixIsChecked) {
    EXPECT_NE(loadError("git.branch_prefix = \"-x/\"\n").find("git.branch_prefix"),
              std::string::npos);
    EXPECT_NE(loadError("git.branch_prefix = \"a..b/\"\n").find("branch-name prefix"),
              std::string::npos);
}

TEST_F(ConfigFile, MergeModeIsOneOfThreeOrNone) {
    EXPECT_FALSE(loadConfig(dir_.path() / "absent.toml", fakeEnv()).mergeMode);
    write("[git]\nmerge_mode = \"squash\"\n");
    EXPECT_EQ(loadConfig(file_, fakeEnv()).mergeMode, "squash");
    EXPECT_EQ(loadConfig(file_, fakeEnv({{"PARAWORK_GIT_MERGE_MODE", "ff"}})).mergeMode, "ff");
    EXPECT_NE(loadError("git.merge_mode = \"rebase\"\n").find("expected ff, merge or squash"),
              std::string::npos);
}

TEST_F(ConfigFile, TildeInWorktreeBaseIsExpandedFromHome) {
    write("paths.worktree_base = \"~/trees\"\n");
    EXPECT_EQ(loadConfig(file_, fakeEnv({{"HOME", "/home/u"}})).worktreeBase, "/home/u/trees");
}

TEST_F(ConfigFile, SyntaxErrorNamesFileLineAndColumn) {
    std::string message = loadError("[server]\nport = 3000\nhost = \n");
    EXPECT_TRUE(message.starts_with(file_.string() + ":3:")) << message;
    EXPECT_NE(message.find("syntax error"), std::string::npos) << message;
}

TEST_F(ConfigFile, UnknownKeyNamesLineAndSuggests) {
    std::string message = loadError("[server]\nport = 3000\nprot = 3000\n");
    EXPECT_EQ(message, at(3, 1) + "server.prot: unknown setting (did you mean server.port?)");
}

TEST_F(ConfigFile, UnknownSectionIsAnError) {
    std::string message = loadError("[sever]\nport = 1\n");
    EXPECT_TRUE(message.starts_with(at(1, 2) + "sever: unknown setting (did you mean server?)"))
        << message;
}

TEST_F(ConfigFile, SettingOutsideItsSectionIsAnError) {
    std::string message = loadError("port = 3000\n");
    EXPECT_TRUE(message.starts_with(at(1, 1) + "port: unknown setting (did you mean server.port?)"))
        << message;
    message = loadError("[limits]\nport = 3000\n");
    EXPECT_EQ(message, at(2, 1) + "limits.port: unknown setting (did you mean server.port?)");
}

TEST_F(ConfigFile, WrongTypeNamesLineColumnAndValue) {
    EXPECT_EQ(loadError("[server]\nport = \"abc\"\n"),
              at(2, 8) + "server.port: expected an integer 0-65535, got \"abc\"");
    EXPECT_EQ(loadError("[log]\nlevel = 3\n"), at(2, 9) + "log.level: expected a string, got 3");
    EXPECT_EQ(loadError("[server]\nallowed_hosts = \"x\"\n"),
              at(2, 17) + "server.allowed_hosts: expected an array of strings, got \"x\"");
    EXPECT_EQ(loadError("[server]\nallowed_hosts = [1]\n"),
              at(2, 17) + "server.allowed_hosts: expected an array of strings, got an item 1");
    EXPECT_EQ(loadError("server = 1\n"), at(1, 10) + "server: expected a section [server], got 1");
}

TEST_F(ConfigFile, OutOfRangeValuesAreErrors) {
    EXPECT_EQ(loadError("[server]\nport = 70000\n"),
              at(2, 8) + "server.port: expected an integer 0-65535, got 70000");
    EXPECT_EQ(loadError("[server]\nworker_threads = 0\n"),
              at(2, 18) + "server.worker_threads: expected an integer 1-64, got 0");
    EXPECT_NE(loadError("[limits]\nmax_body_bytes = 0\n"), "");
    EXPECT_NE(loadError("[limits]\nmax_body_bytes = -5\n"), "");
    EXPECT_NE(loadError("[sessions]\nlog_max_bytes = 0\n"), "");
    EXPECT_NE(loadError("[limits]\nrequest_head_timeout_ms = 0\n"), "");
    EXPECT_EQ(
        loadError("[log]\nlevel = \"loud\"\n"),
        at(2, 9) + "log.level: expected one of trace, debug, info, warn, error, off, got \"loud\"");
    EXPECT_NE(loadError("[server]\nhost = \"\"\n"), "");
    EXPECT_NE(loadError("[server]\nallowed_origins = [\"localhost:5173\"]\n"), "");
    EXPECT_NE(loadError("[server]\nallowed_origins = [\"http://x/path\"]\n"), "");
    EXPECT_NE(loadError("[paths]\nworktree_base = \"relative/dir\"\n"), "");
}

TEST_F(ConfigFile, BadEnvironmentValueNamesTheVariable) {
    std::string message = loadError("", {{"PARAWORK_SERVER_PORT", "abc"}});
    EXPECT_EQ(message,
              "environment variable PARAWORK_SERVER_PORT: server.port: expected an integer "
              "0-65535, got \"abc\"");
    EXPECT_NE(loadError("", {{"PARAWORK_SERVER_PORT", "80x"}}), "");
    EXPECT_NE(loadError("", {{"PARAWORK_SERVER_PORT", ""}}), "");
    EXPECT_NE(loadError("", {{"PARAWORK_SERVER_PORT", "-1"}}), "");
    message = loadError("", {{"PARAWORK_LOG_LEVEL", "verbose"}});
    EXPECT_TRUE(message.starts_with("environment variable PARAWORK_LOG_LEVEL: log.level: "))
        << message;
}

TEST_F(ConfigFile, BadOverrideNamesTheFlag) {
    Config c;
    try {
        applyOverride(c, "server.port", "99999", "--port");
        FAIL();
    } catch (const core::Error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "--port: server.port: expected an integer 0-65535, got \"99999\"");
    }
    EXPECT_THROW(applyOverride(c, "server.prot", "1", "--x"), core::Error);
    EXPECT_EQ(c, Config{});  // a failed override changes nothing
}

TEST_F(ConfigFile, AFileThatIsADirectoryIsAnError) {
    fs::create_directory(file_);
    EXPECT_THROW(loadConfig(file_, fakeEnv()), core::Error);
}

TEST(ConfigTable, EnvironmentNamesAreDerivedFromKeys) {
    EXPECT_EQ(envVarFor("server.port"), "PARAWORK_SERVER_PORT");
    EXPECT_EQ(envVarFor("limits.max_body_bytes"), "PARAWORK_LIMITS_MAX_BODY_BYTES");
}

TEST_F(ConfigFile, DefaultConfigTomlParsesBackToDefaults) {
    std::string text = defaultConfigToml();
    for (const char* key :
         {"[server]", "host = ", "# port = 3000\n", "allowed_origins = ", "[limits]",
          "max_body_bytes = 1048576", "[log]", "level = 'info'", "[sessions]", "[paths]",
          "# worktree_base = ", "# env: PARAWORK_SESSIONS_STOP_GRACE_MS"})
        EXPECT_NE(text.find(key), std::string::npos) << key << "\n" << text;
    write(text);
    EXPECT_EQ(loadConfig(file_, fakeEnv()), Config{});
}

}  // namespace
TEST(NetworkExposure, PlainHttpBeyondLoopbackNeedsTlsAProxyOrInsecure) {
    Config c;
    EXPECT_NO_THROW(checkNetworkExposure(c));  // 127.0.0.1
    for (auto host : {"localhost", "127.0.0.2", "::1"}) {
        c.host = host;
        EXPECT_NO_THROW(checkNetworkExposure(c)) << host;
    }
    for (auto host : {"0.0.0.0", "::", "192.168.1.5"}) {
        c.host = host;
        try {
            checkNetworkExposure(c);
            ADD_FAILURE() << host << " was allowed with plain HTTP";
        } catch (const core::Error& e) {
            EXPECT_NE(std::string(e.what()).find("--insecure"), std::string::npos) << e.what();
        }
    }
    c.host = "0.0.0.0";
    c.insecure = true;
    EXPECT_NO_THROW(checkNetworkExposure(c));
    c.insecure = false;
    c.behindProxy = true;
    EXPECT_NO_THROW(checkNetworkExposure(c));
    c.trustedProxies.clear();
    EXPECT_THROW(checkNetworkExposure(c), core::Error);
    c.behindProxy = false;
    c.tlsCert = "/etc/cert.pem";
    EXPECT_THROW(checkNetworkExposure(c), core::Error);  // without its key
    c.tlsKey = "/etc/key.pem";
    EXPECT_NO_THROW(checkNetworkExposure(c));
}

TEST(NetworkExposure, AllowedOriginsAreWarnedAboutSayingWhichAndWhy) {
    Config c;
    EXPECT_EQ(allowedOriginsWarning(c), std::nullopt);
    c.allowedOrigins = {"http://localhost:5173", "https://ui.example"};
    auto warning = allowedOriginsWarning(c);
    ASSERT_TRUE(warning);
    EXPECT_NE(warning->find("http://localhost:5173, https://ui.example"), std::string::npos);
    EXPECT_NE(warning->find("login cookie"), std::string::npos) << *warning;
}

TEST(NetworkExposure, RemoteSettingsAreValidated) {
    Config c;
    EXPECT_THROW(applyOverride(c, "server.trusted_proxies", "10.0.0.1, proxy.example", "--x"),
                 core::Error);
    applyOverride(c, "server.trusted_proxies", "10.0.0.1, ::1", "--x");
    EXPECT_EQ(c.trustedProxies, (std::vector<std::string>{"10.0.0.1", "::1"}));
    EXPECT_THROW(applyOverride(c, "server.tls_cert", "relative.pem", "--tls-cert"), core::Error);
    EXPECT_THROW(applyOverride(c, "server.public_url", "https://x.example/path", "--x"),
                 core::Error);
    applyOverride(c, "server.public_url", "https://parawork.example.com", "--x");
    EXPECT_EQ(c.publicUrl, "https://parawork.example.com");
    EXPECT_THROW(applyOverride(c, "preview.public_port", "70000", "--x"), core::Error);
}

}  // namespace parawork::daemon
