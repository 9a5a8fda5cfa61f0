// Ports and previews against real servers in real sessions: python3 -m http.server and a Node
// HTTP + WebSocket server, reached through the daemon's preview proxy with a preview Host
// header (glibc here doesn't resolve *.localhost; browsers do it themselves).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "api/http_client.hpp"
#include "support/daemon_process.hpp"
#include "support/echo_server.hpp"
#include "support/session_api.hpp"
#include "unit_support/temp_dir.hpp"
#include "unit_support/wait_until.hpp"

namespace parawork::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

/// A socket listening on 127.0.0.1:`port` (0: any free port), or -1 when that port is taken.
int listenOnLoopback(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(fd, 4) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

/// The port a listening socket is bound to.
std::uint16_t boundPort(int fd) {
    sockaddr_in address{};
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    return ntohs(address.sin_port);
}

class Ports : public ::testing::Test {
  protected:
    DaemonProcess daemon_;
    SessionApi api_{daemon_};
    api::HttpClient tcp_{daemon_.tcp()};

    // Session hosts outlive their daemon by design: stop what the test left running, so its
    // servers don't keep ports that later tests' workspaces get.
    void TearDown() override {
        auto running = get("/api/sessions");
        for (const auto& s : running.at("data").as_array()) {
            std::string id(s.at("id").as_string());
            api_.call("POST", "/api/sessions/" + id + "/stop");
            api_.waitEnded(id);
        }
    }

    json::value get(const std::string& target) { return api_.call("GET", target); }

    /// The session's ports (data of GET /api/sessions/:id/ports).
    json::array ports(const std::string& sessionId) {
        return get("/api/sessions/" + sessionId + "/ports").at("data").as_array();
    }

    /// Waits until the session listens on a port; returns that port's JSON.
    json::object waitListening(const std::string& sessionId) {
        auto until = std::chrono::steady_clock::now() + 20s;
        while (std::chrono::steady_clock::now() < until) {
            for (const auto& p : ports(sessionId))
                if (p.at("state").as_string() == "listening") return p.as_object();
            std::this_thread::sleep_for(50ms);
        }
        throw std::runtime_error("session " + sessionId + " never listened; its output:\n" +
                                 api_.output(sessionId));
    }

    /// host:port of a preview (the Host header a browser would send).
    std::string previewHost(std::uint16_t port, const std::string& workspaceId) {
        return std::to_string(port) + "-" + workspaceId.substr(0, 8) +
               ".localhost:" + std::to_string(daemon_.tcp().port);
    }

    api::HttpReply preview(std::uint16_t port, const std::string& workspaceId,
                           const std::string& target = "/", api::Headers headers = {},
                           const std::string& method = "GET", const std::string& body = {}) {
        headers.emplace_back("Host", previewHost(port, workspaceId));
        return tcp_.request(method, target, headers, body);
    }

    std::string startNode(const std::string& workspaceId, const std::filesystem::path& dir) {
        std::ofstream(dir / "server.js") << kEchoServerJs;
        auto s = api_.start(workspaceId, {"node", (dir / "server.js").string()});
        return std::string(s.at("id").as_string());
    }
};

std::string str(const json::value& v) {
    return std::string(v.as_string());
}

TEST_F(Ports, APythonServerIsFoundAndPreviewed) {
    TempDir dir;
    std::ofstream(dir.path() / "hello.txt") << "hello from the workspace\n";
    auto ws = api_.createWorkspace(dir.path().string());
    auto s = api_.start(ws, {"sh", "-c", "exec python3 -m http.server \"$PORT\" --bind 127.0.0.1"});
    std::string id(s.at("id").as_string());
    auto port = waitListening(id);
    auto number = static_cast<std::uint16_t>(port.at("port").as_int64());
    // PORT is the first port of the workspace's block.
    EXPECT_GE(number, 20000);
    EXPECT_EQ(str(port.at("url")), "http://" + previewHost(number, ws) + "/");
    EXPECT_EQ(str(port.at("address")), "127.0.0.1");
    EXPECT_FALSE(port.at("pids").as_array().empty());
    bool inAll = false;
    auto all = get("/api/ports");
    for (const auto& p : all.at("data").as_array())
        inAll |= p.at("sessionId").as_string() == id && p.at("port").as_int64() == number;
    EXPECT_TRUE(inAll);

    auto reply = preview(number, ws, "/hello.txt");
    EXPECT_EQ(reply.status, 200u);
    EXPECT_EQ(reply.body, "hello from the workspace\n");
    // The same kept-alive connection serves the next request.
    EXPECT_EQ(preview(number, ws, "/hello.txt").status, 200u);
    EXPECT_EQ(preview(number, ws, "/missing").status, 404u);
}

TEST_F(Ports, EventsFollowAServersLifeAndReadinessIsRecorded) {
    TempDir dir;
    auto ws = api_.createWorkspace(dir.path().string());
    auto events = api::WsClient::connect(daemon_.unixSocket(), "/");
    events.sendText(R"({"type":"subscribe_workspace","data":{"workspaceId":")" + ws + "\"}}");
    auto s = api_.start(ws, {"sh", "-c", "exec python3 -m http.server \"$PORT\" --bind 127.0.0.1"});
    std::string id(s.at("id").as_string());

    // Events in arrival order; session_ready may come before port_opened (the ready line).
    std::vector<json::object> seen;
    auto next = [&](const std::string& type) {
        auto until = std::chrono::steady_clock::now() + 20s;
        for (;;) {
            for (auto it = seen.begin(); it != seen.end(); ++it)
                if (it->at("type").as_string() == type) {
                    auto data = it->at("data").as_object();
                    seen.erase(it);
                    return data;
                }
            if (std::chrono::steady_clock::now() > until)
                throw std::runtime_error("no " + type + " event");
            if (auto text = events.read(1s)) seen.push_back(json::parse(*text).as_object());
        }
    };
    auto opened = next("port_opened");
    EXPECT_EQ(str(opened.at("sessionId")), id);
    EXPECT_EQ(str(opened.at("workspaceId")), ws);
    auto number = opened.at("port").as_int64();
    auto ready = next("session_ready");
    EXPECT_EQ(str(ready.at("sessionId")), id);
    EXPECT_GE(ready.at("startupMs").as_int64(), 0);
    EXPECT_TRUE(api_.session(id).at("readyAt").is_int64());

    api_.call("POST", "/api/sessions/" + id + "/stop");
    auto closed = next("port_closed");
    EXPECT_EQ(str(closed.at("sessionId")), id);
    EXPECT_EQ(closed.at("port").as_int64(), number);
}

TEST_F(Ports, TwoWorkspacesRunTheSameServerOnTheirOwnPorts) {
    TempDir a, b;
    std::ofstream(a.path() / "who.txt") << "a";
    std::ofstream(b.path() / "who.txt") << "b";
    auto wa = api_.createWorkspace(a.path().string());
    auto wb = api_.createWorkspace(b.path().string());
    std::vector<std::string> server = {"sh", "-c",
                                       "exec python3 -m http.server \"$PORT\" --bind 127.0.0.1"};
    auto sa = std::string(api_.start(wa, server).at("id").as_string());
    auto sb = std::string(api_.start(wb, server).at("id").as_string());
    auto pa = static_cast<std::uint16_t>(waitListening(sa).at("port").as_int64());
    auto pb = static_cast<std::uint16_t>(waitListening(sb).at("port").as_int64());
    EXPECT_NE(pa, pb);
    EXPECT_EQ(preview(pa, wa, "/who.txt").body, "a");
    EXPECT_EQ(preview(pb, wb, "/who.txt").body, "b");
    // Each preview reaches its own workspace's port only.
    EXPECT_EQ(preview(pb, wa, "/who.txt").status, 404u);
}

TEST_F(Ports, TheUpstreamNeverSeesTheDaemonsCredentials) {
    TempDir dir;
    auto ws = api_.createWorkspace(dir.path().string());
    auto id = startNode(ws, dir.path());
    auto number = static_cast<std::uint16_t>(waitListening(id).at("port").as_int64());
    const auto& token = daemon_.token();
    auto reply = preview(number, ws, "/page?x=1&token=" + token + "&api_key=" + token,
                         {{"Cookie", "parawork_token=" + token + "; app=1"},
                          {"Authorization", "Bearer " + token},
                          {"X-API-Key", token}});
    ASSERT_EQ(reply.status, 200u) << reply.body;
    EXPECT_EQ(reply.body.find(token), std::string::npos) << reply.body;
    auto seen = json::parse(reply.body).as_object();
    EXPECT_EQ(str(seen.at("url")), "/page?x=1");
    auto headers = seen.at("headers").as_object();
    EXPECT_EQ(str(headers.at("cookie")), "app=1");
    EXPECT_FALSE(headers.contains("authorization"));
    EXPECT_FALSE(headers.contains("x-api-key"));
    EXPECT_EQ(str(headers.at("host")), "localhost:" + std::to_string(number));
    EXPECT_EQ(str(headers.at("x-forwarded-host")), previewHost(number, ws));
    EXPECT_EQ(str(headers.at("x-forwarded-proto")), "http");
    EXPECT_EQ(str(headers.at("x-forwarded-for")), "127.0.0.1");
    // The app may set its own cookies, never the daemon's.
    EXPECT_EQ(reply.header("set-cookie").find("parawork_token"), std::string::npos);
    EXPECT_NE(reply.header("set-cookie").find("app=1"), std::string::npos);
}

TEST_F(Ports, BodiesStreamBothWays) {
    TempDir dir;
    auto ws = api_.createWorkspace(dir.path().string());
    auto id = startNode(ws, dir.path());
    auto number = static_cast<std::uint16_t>(waitListening(id).at("port").as_int64());
    // 8 MiB: far above the API's own body limit, streamed to the app.
    std::string upload(8u << 20, 'x');
    for (std::size_t i = 0; i < upload.size(); i += 4096)
        upload[i] = static_cast<char>('a' + i % 26);
    auto reply = preview(number, ws, "/upload", {{"Content-Type", "application/octet-stream"}},
                         "POST", upload);
    ASSERT_EQ(reply.status, 200u) << reply.body;
    auto result = json::parse(reply.body).as_object();
    EXPECT_EQ(result.at("size").as_int64(), static_cast<std::int64_t>(upload.size()));
    auto sse = preview(number, ws, "/sse");
    EXPECT_EQ(sse.status, 200u);
    EXPECT_EQ(sse.header("content-type"), "text/event-stream") << sse.body;
    EXPECT_EQ(sse.body, "data: 0\n\ndata: 1\n\ndata: 2\n\n");
}

TEST_F(Ports, WebSocketsAreTunnelledWithTheirSubprotocolWithoutTheDaemonsCookie) {
    TempDir dir;
    auto ws = api_.createWorkspace(dir.path().string());
    auto id = startNode(ws, dir.path());
    auto number = static_cast<std::uint16_t>(waitListening(id).at("port").as_int64());
    auto socket =
        api::WsClient::connect(daemon_.tcp(), "/hmr",
                               {{"Host", previewHost(number, ws)},
                                {"Cookie", "parawork_token=" + daemon_.token() + "; app=2"},
                                {"Sec-WebSocket-Protocol", "vite-hmr"}});
    socket.sendText("hello");
    auto answer = socket.read(10s);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(*answer, "echo:hello|cookie:app=2|protocol:vite-hmr");
    socket.sendText(std::string(1000, 'z'));
    answer = socket.read(10s);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->substr(0, 1005), "echo:" + std::string(1000, 'z'));
}

TEST_F(Ports, AServerNotUpYetGetsTheLoadingPageThenTheApp) {
    TempDir dir;
    std::ofstream(dir.path() / "index.html") << "<h1>the app</h1>";
    auto ws = api_.createWorkspace(dir.path().string());
    // Serves its block's PORT only when told to (a file appears).
    auto s = api_.start(ws, {"sh", "-c",
                             "echo \"building <things> for port $PORT.\"; "
                             "while [ ! -e go ]; do sleep 0.05; done; "
                             "exec python3 -m http.server \"$PORT\" --bind 127.0.0.1"});
    std::string id(s.at("id").as_string());
    auto output = api_.waitOutput(id, "building");
    auto at = output.find("for port ") + 9;
    auto number =
        static_cast<std::uint16_t>(std::stoi(output.substr(at, output.find('.', at) - at)));
    EXPECT_TRUE(ports(id).empty());

    // A port of the workspace's block that doesn't answer yet: the loading page.
    auto page = preview(number, ws, "/", {{"Accept", "text/html"}});
    EXPECT_EQ(page.status, 503u);
    EXPECT_NE(page.body.find("Waiting for port"), std::string::npos);
    EXPECT_NE(page.body.find("building &lt;things&gt;"), std::string::npos);
    EXPECT_EQ(page.body.find("<things>"), std::string::npos);
    auto api = preview(number, ws, "/data.json");
    EXPECT_EQ(api.status, 503u);
    EXPECT_EQ(api.header("retry-after"), "1");
    auto poll = json::parse(preview(number, ws, "/__parawork/output?offset=0").body).as_object();
    EXPECT_EQ(str(poll.at("state")), "waiting");
    EXPECT_NE(str(poll.at("text")).find("building <things>"), std::string::npos);

    std::ofstream(dir.path() / "go") << "";
    EXPECT_EQ(waitListening(id).at("port").as_int64(), number);
    auto app = preview(number, ws, "/");
    EXPECT_EQ(app.status, 200u);
    EXPECT_EQ(app.body, "<h1>the app</h1>");
    poll = json::parse(preview(number, ws, "/__parawork/output?offset=0").body).as_object();
    EXPECT_EQ(str(poll.at("state")), "ready");
}

TEST_F(Ports, AnEndedSessionsPreviewSaysSoWithItsLastLinesEscaped) {
    TempDir dir;
    auto ws = api_.createWorkspace(dir.path().string());
    auto s = api_.start(ws, {"sh", "-c", "echo '<script>alert(1)</script> failed'; exit 3"},
                        R"("ports":[8123])");
    std::string id(s.at("id").as_string());
    api_.waitEnded(id);
    auto page = preview(8123, ws, "/", {{"Accept", "text/html"}});
    EXPECT_EQ(page.status, 503u);
    EXPECT_NE(page.body.find("exit code 3"), std::string::npos) << page.body;
    EXPECT_NE(page.body.find("&lt;script&gt;alert(1)&lt;/script&gt; failed"), std::string::npos);
    EXPECT_EQ(page.body.find("<script>alert"), std::string::npos);
}

// Two sessions in one workspace: A runs (any port of the block could be its), B declared a port
// of the block. The loading page streams B, the session that declared it, and once B has ended
// (exit 3) it says so with the code, not "waiting", although A still runs (issue 18 item 8b).
TEST_F(Ports, TheLoadingPageFollowsTheSessionThatDeclaredThePort) {
    TempDir dir;
    auto ws = api_.createWorkspace(dir.path().string());
    auto a = api_.start(ws, {"sh", "-c", "echo \"session-A on $PORT.\"; exec sleep 600"},
                        R"("kind":"command")");
    auto output = api_.waitOutput(str(a.at("id")), "session-A on");
    auto at = output.find(" on ") + 4;
    auto first = std::stoi(output.substr(at, output.find('.', at) - at));
    auto declared = static_cast<std::uint16_t>(first + 5);  // in the block (10 ports)
    auto b = api_.start(ws,
                        {"sh", "-c",
                         "echo session-B-building; while [ ! -e stop-b ]; do sleep 0.05; done; "
                         "exit 3"},
                        R"("kind":"command","ports":[)" + std::to_string(declared) + "]");
    std::string bId(b.at("id").as_string());
    api_.waitOutput(bId, "session-B-building");

    auto page = preview(declared, ws, "/", {{"Accept", "text/html"}});
    EXPECT_EQ(page.status, 503u);
    EXPECT_NE(page.body.find("Waiting for port"), std::string::npos) << page.body;
    EXPECT_NE(page.body.find("session-B-building"), std::string::npos) << page.body;
    EXPECT_EQ(page.body.find("session-A"), std::string::npos) << page.body;
    auto poll = json::parse(preview(declared, ws, "/__parawork/output?offset=0").body).as_object();
    EXPECT_NE(str(poll.at("text")).find("session-B-building"), std::string::npos);
    EXPECT_EQ(str(poll.at("text")).find("session-A"), std::string::npos);

    std::ofstream(dir.path() / "stop-b") << "";
    EXPECT_EQ(api_.waitEnded(bId).at("exitCode").to_number<int>(), 3);
    // The port service hears of the end just after the store records it.
    EXPECT_TRUE(waitUntil([&] {
        page = preview(declared, ws, "/", {{"Accept", "text/html"}});
        return page.body.find("The session ended (exit code 3") != std::string::npos;
    })) << page.body;
    EXPECT_NE(page.body.find("session-B-building"), std::string::npos) << page.body;
    EXPECT_EQ(page.body.find("Waiting for port"), std::string::npos) << page.body;
    poll = json::parse(preview(declared, ws, "/__parawork/output?offset=0").body).as_object();
    EXPECT_EQ(str(poll.at("state")), "ended");
    EXPECT_EQ(poll.at("exitCode").to_number<int>(), 3);
}

TEST_F(Ports, OnlyPortsOfTheWorkspacesSessionsArePreviewed) {
    TempDir dir;
    auto ws = api_.createWorkspace(dir.path().string());
    auto s = api_.start(ws, {"sh", "-c", "exec python3 -m http.server \"$PORT\" --bind 127.0.0.1"});
    waitListening(std::string(s.at("id").as_string()));
    // The daemon's own port, a port no session owns, an unknown workspace: refused, not proxied.
    auto own = preview(daemon_.tcp().port, ws, "/api/workspaces");
    EXPECT_EQ(own.status, 404u);
    EXPECT_NE(own.body.find("parawork&#39;s own port"), std::string::npos);
    EXPECT_EQ(preview(22, ws).status, 404u);
    EXPECT_EQ(preview(20000, "00000000-none").status, 404u);
    // A connection serving previews serves nothing else.
    auto misdirected = tcp_.request("GET", "/api/workspaces",
                                    {{"Host", "127.0.0.1:" + std::to_string(daemon_.tcp().port)},
                                     {"X-API-Key", daemon_.token()}});
    EXPECT_EQ(misdirected.status, 421u);
    // On a new connection, Host headers that aren't preview origins go to the API's gate.
    api::HttpClient fresh(daemon_.tcp());
    auto hostile = fresh.request("GET", "/api/workspaces", {{"Host", "evil.example:80"}});
    EXPECT_EQ(hostile.status, 403u);
    auto wrongPort =
        fresh.request("GET", "/", {{"Host", "8000-" + ws.substr(0, 8) + ".localhost:1"}});
    EXPECT_EQ(wrongPort.status, 403u);
}

TEST_F(Ports, TheProjectsRunCommandDeclaresItsPortsAndItsEnvReachesEverySession) {
    TempDir dir;
    std::ofstream(dir.path() / "parawork.toml")
        << "[env]\nGREETING = \"from the project\"\n"
           "[run]\ncommand = [\"sh\", \"-c\", \"echo $GREETING; sleep 30\"]\nports = [5173]\n";
    auto ws = api_.createWorkspace(dir.path().string());
    auto run = api_.start(ws, {"sh", "-c", "echo $GREETING; sleep 30"}, R"("kind":"command")");
    std::string id(run.at("id").as_string());
    api_.waitOutput(id, "from the project");
    auto declared = ports(id);
    ASSERT_EQ(declared.size(), 1u);
    EXPECT_EQ(declared[0].at("port").as_int64(), 5173);
    // Another command gets the environment, not the ports; its own env wins.
    auto other = api_.start(ws, {"sh", "-c", "echo \"other $GREETING\"; sleep 30"},
                            R"("kind":"command","env":{"GREETING":"mine"})");
    std::string otherId(other.at("id").as_string());
    api_.waitOutput(otherId, "other mine");
    EXPECT_TRUE(ports(otherId).empty());
    for (const auto& s : {id, otherId}) api_.call("POST", "/api/sessions/" + s + "/stop");
}

TEST_F(Ports, AKeptAliveConnectionNeverReachesAPortItsSessionNoLongerOwns) {
    TempDir dir;
    std::ofstream(dir.path() / "who.txt") << "the session";
    auto ws = api_.createWorkspace(dir.path().string());
    auto s = api_.start(ws, {"sh", "-c", "exec python3 -m http.server \"$PORT\" --bind 127.0.0.1"});
    std::string id(s.at("id").as_string());
    auto number = static_cast<std::uint16_t>(waitListening(id).at("port").as_int64());
    EXPECT_EQ(preview(number, ws, "/who.txt").body, "the session");

    // The session ends; another process, no session's, takes the port.
    api_.call("POST", "/api/sessions/" + id + "/stop");
    api_.waitEnded(id);
    int intruder = listenOnLoopback(number);
    ASSERT_GE(intruder, 0);
    std::thread answer([intruder] {
        int conn = ::accept(intruder, nullptr, nullptr);
        if (conn < 0) return;
        std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nintruder";
        char buffer[4096];
        [[maybe_unused]] auto n = ::recv(conn, buffer, sizeof buffer, 0);
        [[maybe_unused]] auto w = ::send(conn, reply.data(), reply.size(), MSG_NOSIGNAL);
        ::close(conn);
    });
    // The same kept-alive client connection asks again.
    auto reply = preview(number, ws, "/who.txt");
    EXPECT_NE(reply.status, 200u) << reply.body;
    EXPECT_EQ(reply.body.find("intruder"), std::string::npos);
    ::shutdown(intruder, SHUT_RDWR);
    ::close(intruder);
    answer.join();
}

TEST_F(Ports, BadPortDeclarationsAreRefused) {
    TempDir dir;
    auto ws = api_.createWorkspace(dir.path().string());
    for (const char* bad :
         {R"("ports":[0])", R"("ports":[70000])", R"("ports":"8000")", R"("ports":["8000"])"}) {
        unsigned status = 0;
        auto res = api_.call(
            "POST", "/api/workspaces/" + ws + "/sessions",
            std::string(R"({"agentType":"command","command":["true"],)") + bad + "}", &status);
        EXPECT_EQ(status, 400u) << bad;
        EXPECT_NE(json::serialize(res).find("ports"), std::string::npos) << bad;
    }
    unsigned status = 0;
    api_.call("GET", "/api/sessions/nope/ports", {}, &status);
    EXPECT_EQ(status, 404u);
}

// Session hosts must not inherit the daemon's listening socket: a restarted daemon gets its
// port back while the sessions it left behind run on.
TEST(DaemonPort, IsFreeAgainForARestartWhileSessionsRun) {
    TempDir home;
    std::uint16_t port = 0;
    std::string id;
    {
        DaemonProcess first(DaemonProcess::Options{.home = home.path()});
        port = first.tcp().port;
        SessionApi api(first);
        id = std::string(api.start(api.createWorkspace(), {"sleep", "60"}).at("id").as_string());
        EXPECT_EQ(first.stop(), 0);
    }
    DaemonProcess second(DaemonProcess::Options{.home = home.path(), .port = port});
    EXPECT_EQ(second.tcp().port, port);
    SessionApi api(second);
    EXPECT_EQ(std::string(api.session(id).at("status").as_string()), "running");
    api.call("POST", "/api/sessions/" + id + "/stop");
    api.waitEnded(id);
}

// The default port moves on when another program has it (a dev server on 3000, another
// user's daemon): a new user's first `parawork run` must not fail for that. A chosen one is
// kept or refused (DaemonPort.AChosenPortThatIsTakenIsRefused).
TEST(DaemonPort, TheDefaultPortTakenTheDaemonListensOnTheNextFreeOne) {
    // 3000 is taken now: by this socket, or by whoever had it already (-1).
    int holder = listenOnLoopback(3000);
    DaemonProcess daemon(DaemonProcess::Options{.port = std::nullopt});
    EXPECT_GT(daemon.tcp().port, 3000);
    EXPECT_LT(daemon.tcp().port, 3020);
    // It answers there, and says why it is not on 3000.
    SessionApi api(daemon);
    EXPECT_TRUE(api.call("GET", "/api/health").is_object());
    EXPECT_NE(daemon.output().find("port 3000 is taken by another program: listening on " +
                                   std::to_string(daemon.tcp().port)),
              std::string::npos)
        << daemon.output();
    if (holder >= 0) ::close(holder);
}

TEST(DaemonPort, AChosenPortThatIsTakenIsRefused) {
    int holder = listenOnLoopback(0);
    ASSERT_GE(holder, 0);
    auto taken = std::to_string(boundPort(holder));
    TempDir home;
    auto result = runCli(home.path(), {"serve", "--port", taken});
    EXPECT_NE(result.exitCode, 0);
    EXPECT_NE((result.out + result.err)
                  .find("cannot listen on 127.0.0.1:" + taken +
                        ": Address already in use (another program uses this port"),
              std::string::npos)
        << describe(result);
    ::close(holder);
}

/// The PORT a session of the workspace gets.
std::string portOf(SessionApi& api, const std::string& workspaceId) {
    auto s = api.start(workspaceId, {"sh", "-c", "printf 'port=%s;' \"$PORT\""});
    std::string id(s.at("id").as_string());
    api.waitEnded(id);
    auto out = api.output(id);
    auto at = out.find("port=");
    return at == std::string::npos ? out : out.substr(at + 5, out.find(';', at) - at - 5);
}

// A workspace gets its block when it is made (its first start has nothing to assign), and a
// deleted workspace's block goes to the next one (it was never given back).
TEST(PortBlocks, AWorkspaceHasItsBlockFromItsCreationUntilItIsDeleted) {
    DaemonProcess daemon;  // its own range of blocks (DaemonProcess), lowest block first
    SessionApi api(daemon);
    TempDir a, b, c;
    auto first = api.createWorkspace(a.path().string());
    auto second = api.createWorkspace(b.path().string());
    auto secondPort = portOf(api, second);  // started first, made second
    auto firstPort = portOf(api, first);
    ASSERT_FALSE(firstPort.empty());
    EXPECT_EQ(std::stoi(secondPort), std::stoi(firstPort) + 10) << secondPort << " " << firstPort;
    unsigned status = 0;
    api.call("DELETE", "/api/workspaces/" + first, "", &status);
    ASSERT_EQ(status, 200u);
    auto third = api.createWorkspace(c.path().string());
    EXPECT_EQ(portOf(api, third), firstPort);
}

}  // namespace
}  // namespace parawork::test
