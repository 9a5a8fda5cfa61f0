// The daemon as a program: start-up, both transports, single instance, clean shutdown, and the
// start-up errors a person must understand (second daemon, bad home, bad config, taken port).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include <boost/json/parse.hpp>

#include "support/daemon_process.hpp"

namespace parawork::test {
namespace {

namespace json = boost::json;

TEST(Daemon, ServesHealthOverTcpAndUnixSocket) {
    DaemonProcess daemon;
    api::HttpClient tcp(daemon.tcp());
    auto res = tcp.get("/api/health");
    EXPECT_EQ(res.status, 200u);
    auto body = json::parse(res.body).as_object();
    EXPECT_EQ(body.at("success"), true);
    EXPECT_EQ(body.at("data").at("status"), "ok");
    EXPECT_EQ(res.header("content-type"), "application/json; charset=utf-8");

    api::HttpClient unixClient(daemon.unixSocket());
    EXPECT_EQ(unixClient.get("/api/health").status, 200u);
    // The unix socket is authenticated by its permissions: no token needed for /api.
    EXPECT_EQ(unixClient.get("/api/nothing-here").status, 404u);
    EXPECT_EQ(tcp.get("/api/nothing-here").status, 401u);
}

TEST(Daemon, RuntimeFilesHaveSafePermissions) {
    DaemonProcess daemon;
    struct stat st {};
    ASSERT_EQ(::stat(daemon.socketPath().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat(daemon.socketPath().parent_path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    ASSERT_EQ(::stat((daemon.home() / "data" / "token").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_GE(daemon.token().size(), 32u);  // >= 128 bits as hex
    auto info = json::parse([&] {
                    std::ifstream in(daemon.home() / "run" / "daemon.json");
                    return std::string(std::istreambuf_iterator<char>(in), {});
                }())
                    .as_object();
    EXPECT_EQ(info.at("port").to_number<int>(), daemon.port());
    EXPECT_EQ(info.at("pid").to_number<int>(), daemon.pid());
}

TEST(Daemon, SecondDaemonOnTheSameHomeIsRefused) {
    DaemonProcess daemon;
    auto second =
        runProcess({parawork(), "--home", daemon.home().string(), "serve", "--port", "0"});
    EXPECT_NE(second.exitCode, 0);
    EXPECT_NE(second.err.find("already running"), std::string::npos) << second.err;
    EXPECT_NE(second.err.find(std::to_string(daemon.pid())), std::string::npos) << second.err;
    // The first one is unharmed.
    EXPECT_EQ(api::HttpClient(daemon.tcp()).get("/api/health").status, 200u);
}

TEST(Daemon, StopsCleanlyOnSigterm) {
    DaemonProcess daemon;
    auto socket = daemon.socketPath();
    EXPECT_EQ(daemon.stop(), 0);
    EXPECT_FALSE(std::filesystem::exists(socket));
    EXPECT_FALSE(std::filesystem::exists(socket.parent_path() / "daemon.json"));
}

TEST(Daemon, RestartsOnTheSameHomeAfterACrash) {
    TempDir home("pw-home");
    {
        DaemonProcess first(DaemonProcess::Options{.home = home.path()});
        first.kill9();
    }
    DaemonProcess second(DaemonProcess::Options{.home = home.path()});
    EXPECT_EQ(api::HttpClient(second.tcp()).get("/api/health").status, 200u);
}

TEST(Daemon, UnwritableHomeIsAClearError) {
    TempDir dir("pw-bad");
    std::ofstream(dir.path() / "file") << "x";
    auto home = dir.path() / "file" / "home";  // under a regular file: root cannot write it either
    auto res = runProcess({parawork(), "--home", home.string(), "serve", "--port", "0"});
    EXPECT_NE(res.exitCode, 0);
    EXPECT_NE(res.err.find(home.string()), std::string::npos) << res.err;
}

TEST(Daemon, CorruptConfigNamesFileLineAndKey) {
    TempDir home("pw-home");
    std::filesystem::create_directories(home.path() / "config");
    std::ofstream(home.path() / "config" / "config.toml") << "[server]\nprot = 3000\n";
    auto res = runProcess({parawork(), "--home", home.path().string(), "serve", "--port", "0"});
    EXPECT_NE(res.exitCode, 0);
    EXPECT_NE(res.err.find("config.toml:2"), std::string::npos) << res.err;
    EXPECT_NE(res.err.find("server.prot"), std::string::npos) << res.err;

    std::ofstream(home.path() / "config" / "config.toml") << "[server\nport = 3000\n";
    res = runProcess({parawork(), "--home", home.path().string(), "serve", "--port", "0"});
    EXPECT_NE(res.exitCode, 0);
    EXPECT_NE(res.err.find("config.toml:1"), std::string::npos) << res.err;
}

TEST(Daemon, TakenPortIsAClearError) {
    DaemonProcess first;
    TempDir home("pw-home");
    auto res = runProcess({parawork(), "--home", home.path().string(), "serve", "--port",
                           std::to_string(first.port())});
    EXPECT_NE(res.exitCode, 0);
    EXPECT_NE(res.err.find("127.0.0.1:" + std::to_string(first.port())), std::string::npos)
        << res.err;
    EXPECT_NE(res.err.find("in use"), std::string::npos) << res.err;
}

TEST(Daemon, NonLoopbackListenIsRefused) {
    TempDir home("pw-home");
    auto res = runProcess(
        {parawork(), "--home", home.path().string(), "serve", "--port", "0", "--host", "0.0.0.0"});
    EXPECT_NE(res.exitCode, 0);
    EXPECT_NE(res.err.find("0.0.0.0"), std::string::npos) << res.err;
}

TEST(Daemon, EnvironmentOverridesConfigFile) {
    DaemonProcess daemon(DaemonProcess::Options{
        .configToml = "[log]\nlevel = \"warn\"\n",
        .env = {{"PARAWORK_LOG_LEVEL", "debug"}},
    });
    // Debug lines only appear when the environment won over the file.
    api::HttpClient(daemon.tcp()).get("/api/health");
    daemon.stop();
    EXPECT_NE(daemon.output().find("[debug]"), std::string::npos) << daemon.output();
}

TEST(Cli, StatusTalksToTheDaemonOverTheUnixSocket) {
    DaemonProcess daemon;
    auto res = runProcess({parawork(), "--home", daemon.home().string(), "--json", "status"});
    EXPECT_EQ(res.exitCode, 0) << res.err;
    auto body = json::parse(res.out).as_object();
    EXPECT_EQ(body.at("status"), "ok");
    EXPECT_EQ(body.at("pid").to_number<int>(), daemon.pid());
    daemon.stop();
    res = runProcess({parawork(), "--home", daemon.home().string(), "status"});
    EXPECT_EQ(res.exitCode, 1);
    EXPECT_NE(res.err.find("no daemon is running"), std::string::npos) << res.err;
}

TEST(Cli, UnknownVerbIsAnError) {
    auto res = runProcess({parawork(), "frobnicate"});
    EXPECT_NE(res.exitCode, 0);
    EXPECT_FALSE(res.err.empty());
}

}  // namespace
}  // namespace parawork::test
