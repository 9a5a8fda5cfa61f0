// DESIGN §7 against the real daemon: tokens, Host, Origin, body rules, the login link, the
// configuration endpoint, the embedded UI, failed-login limits and slow clients.
#include <poll.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <thread>

#include <boost/json/parse.hpp>

#include "core/unique_fd.hpp"
#include "support/daemon_process.hpp"
#include "support/remote_client.hpp"

namespace parawork::test {
namespace {

namespace json = boost::json;

class HttpSecurity : public ::testing::Test {
  protected:
    DaemonProcess daemon;
    api::HttpClient client{daemon.tcp()};

    std::string errorOf(const api::HttpReply& r) {
        return std::string(json::parse(r.body).at("error").as_string());
    }
};

TEST_F(HttpSecurity, TokenIsRequiredInAnyOfItsForms) {
    auto missing = client.get("/api/workspaces-x");
    EXPECT_EQ(missing.status, 401u);
    EXPECT_EQ(errorOf(missing),
              "Missing API key. Provide X-API-Key header or api_key query parameter.");
    auto wrong = client.get("/api/workspaces-x", {{"X-API-Key", "wrong"}});
    EXPECT_EQ(wrong.status, 403u);
    EXPECT_EQ(errorOf(wrong), "Invalid API key");
    // Past the gate, an unknown endpoint is a 404 in the parawork envelope.
    for (const api::Headers& auth :
         {api::Headers{{"X-API-Key", daemon.token()}},
          api::Headers{{"Authorization", "Bearer " + daemon.token()}},
          api::Headers{{"Cookie", "parawork_token=" + daemon.token()}}}) {
        auto r = client.get("/api/workspaces-x", auth);
        EXPECT_EQ(r.status, 404u) << r.body;
        EXPECT_EQ(errorOf(r), "Endpoint not found");
    }
    EXPECT_EQ(client.get("/api/workspaces-x?api_key=" + daemon.token()).status, 404u);
}

TEST_F(HttpSecurity, ForeignHostIsRefused) {
    auto r =
        client.get("/api/health", {{"Host", "attacker.example:" + std::to_string(daemon.port())}});
    EXPECT_EQ(r.status, 403u);
    r = client.get("/", {{"Host", "attacker.example"}});
    EXPECT_EQ(r.status, 403u);
    EXPECT_EQ(
        client.get("/api/health", {{"Host", "localhost:" + std::to_string(daemon.port())}}).status,
        200u);
}

TEST_F(HttpSecurity, CrossSitePostIsRefusedEvenWithTheCookie) {
    api::Headers h{{"Cookie", "parawork_token=" + daemon.token()},
                   {"Origin", "http://evil.example"},
                   {"Content-Type", "application/json"}};
    auto r = client.request("POST", "/api/repositories", h, "{}");
    EXPECT_EQ(r.status, 403u);
    h[1].second = "http://" + daemon.hostHeader();  // same origin: passes the gate
    r = client.request("POST", "/api/no-such", h, "{}");
    EXPECT_EQ(r.status, 404u);
}

TEST_F(HttpSecurity, BodiesMustBeJson) {
    api::Headers auth{{"X-API-Key", daemon.token()},
                      {"Content-Type", "application/x-www-form-urlencoded"}};
    auto form = client.request("POST", "/api/repositories", auth, "path=/tmp");
    EXPECT_EQ(form.status, 415u);
    auth[1].second = "application/json";
    auto malformed = client.request("POST", "/api/repositories", auth, "{\"path\": ");
    EXPECT_EQ(malformed.status, 400u);
    EXPECT_NE(errorOf(malformed).find("Malformed JSON"), std::string::npos);
    auto primitive = client.request("POST", "/api/repositories", auth, "42");
    EXPECT_EQ(primitive.status, 400u);
}

TEST_F(HttpSecurity, HugeBodyIsRefusedWith413AndTheDaemonStaysUp) {
    api::Headers auth{{"X-API-Key", daemon.token()}, {"Content-Type", "application/json"}};
    std::string huge(10 << 20, ' ');
    auto r = client.request("POST", "/api/repositories", auth, huge);
    EXPECT_EQ(r.status, 413u);
    EXPECT_EQ(errorOf(r), "Request body too large");
    api::HttpClient fresh(daemon.tcp());
    EXPECT_EQ(fresh.get("/api/health").status, 200u);
}

TEST_F(HttpSecurity, LoginLinkSetsAnHttpOnlyCookieAndRedirectsToACleanUrl) {
    auto r = client.get("/?token=" + daemon.token());
    EXPECT_EQ(r.status, 303u);
    EXPECT_EQ(r.header("location"), "/");
    auto cookie = r.header("set-cookie");
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
    EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
    auto value = cookie.substr(0, cookie.find(';'));
    EXPECT_EQ(client.get("/api/x", {{"Cookie", value}}).status, 404u);  // authenticated
    EXPECT_EQ(client.get("/?token=nope").status, 403u);
}

TEST_F(HttpSecurity, ConfigHandsTheKeyOnlyToAuthenticatedSameOriginClients) {
    EXPECT_EQ(client.get("/api/config").status, 401u);
    api::Headers cookie{{"Cookie", "parawork_token=" + daemon.token()}};
    auto r = client.get("/api/config", cookie);
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(json::parse(r.body).at("data").at("apiKey").as_string(), daemon.token());
    cookie.emplace_back("Origin", "http://evil.example");
    EXPECT_EQ(client.get("/api/config", cookie).status, 403u);
}

TEST_F(HttpSecurity, NoOtherOriginMayDriveTheDaemonByDefault) {
    // Vite's default port: an agent's own dev server (or a project's code served there) is as
    // likely on it as parawork's frontend, and the browser sends it the cookie for localhost.
    const std::string vite = "http://localhost:5173";
    api::Headers h{{"Cookie", "parawork_token=" + daemon.token()},
                   {"Origin", vite},
                   {"Content-Type", "application/json"}};
    EXPECT_EQ(client.request("POST", "/api/no-such", h, "{}").status, 403u);
    auto preflight = client.request("OPTIONS", "/api/workspaces",
                                    {{"Origin", vite}, {"Access-Control-Request-Method", "POST"}});
    EXPECT_EQ(preflight.header("access-control-allow-origin"), "");
    auto cors = client.get("/api/x", {{"X-API-Key", daemon.token()}, {"Origin", vite}});
    EXPECT_EQ(cors.header("access-control-allow-origin"), "");
    try {
        api::WsClient::connect(daemon.tcp(), "/?api_key=" + daemon.token(), {{"Origin", vite}});
        ADD_FAILURE() << "a WebSocket from " << vite << " was accepted";
    } catch (const api::WsRefused& e) {
        EXPECT_EQ(e.status, 403u);
    }
    EXPECT_EQ(daemon.output().find("allowed_origins"), std::string::npos) << daemon.output();
}

TEST(HttpAllowedOrigins, AnAllowedOriginGetsCorsAndServeWarnsAboutIt) {
    DaemonProcess daemon(
        {.configToml = "[server]\nallowed_origins = [\"http://localhost:5173\"]\n"});
    api::HttpClient client(daemon.tcp());
    auto r = client.request("OPTIONS", "/api/workspaces",
                            {{"Origin", "http://localhost:5173"},
                             {"Access-Control-Request-Method", "PATCH"},
                             {"Access-Control-Request-Headers", "content-type,x-api-key"}});
    EXPECT_EQ(r.status, 204u);
    EXPECT_EQ(r.header("access-control-allow-origin"), "http://localhost:5173");
    EXPECT_NE(r.header("access-control-allow-methods").find("PATCH"), std::string::npos);
    // The warning (stderr and the log) names the origin and the risk.
    const std::string warning = "server.allowed_origins lets http://localhost:5173 drive";
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (daemon.output().find(warning) == std::string::npos &&
           std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_NE(daemon.output().find(warning), std::string::npos) << daemon.output();
    EXPECT_NE(daemon.output().find("login cookie"), std::string::npos);
}

TEST_F(HttpSecurity, AForeignPageCannotLockTheOwnerOut) {
    // Twenty <img src="http://127.0.0.1:P/api/health?api_key=xN"> from any web page...
    for (int i = 0; i < 20; ++i) {
        auto r = client.get("/api/health?api_key=x" + std::to_string(i),
                            {{"Sec-Fetch-Site", "cross-site"}, {"Sec-Fetch-Mode", "no-cors"}});
        EXPECT_EQ(r.status, 200u);
        r = client.get("/?token=t" + std::to_string(i), {{"Sec-Fetch-Site", "same-site"}});
        EXPECT_EQ(r.status, 403u);
    }
    // ...count for nothing: this client's own wrong key is a plain 403, not a 429.
    EXPECT_EQ(client.get("/api/x", {{"X-API-Key", "wrong"}}).status, 403u);
    // Ten wrong ones of its own do block its wrong ones (a guesser)...
    for (int i = 0; i < 10; ++i) client.get("/api/x", {{"X-API-Key", "w" + std::to_string(i)}});
    EXPECT_EQ(client.get("/api/x", {{"X-API-Key", "wrong-again"}}).status, 429u);
    // ...but never the right token or the right cookie.
    EXPECT_EQ(client.get("/api/x", {{"X-API-Key", daemon.token()}}).status, 404u);
    EXPECT_EQ(client.get("/api/x", {{"Cookie", "parawork_token=" + daemon.token()}}).status, 404u);
    EXPECT_EQ(client.get("/?token=" + daemon.token()).status, 303u);
}

TEST_F(HttpSecurity, TheLoginLinkNeverRedirectsOffSite) {
    // (A backslash after the first "/" never gets this far: it is not valid in a target, 400.)
    for (const std::string path : {"///evil.example/", "//evil.example/"}) {
        auto r = client.get(path + "?token=" + daemon.token());
        EXPECT_EQ(r.status, 303u) << path;
        EXPECT_EQ(r.header("location"), "/") << path;
    }
    EXPECT_EQ(client.get("/workspaces/w1?token=" + daemon.token()).header("location"),
              "/workspaces/w1");
}

TEST_F(HttpSecurity, ServesTheEmbeddedUiWithCachingAndCompression) {
    auto page = client.get("/");
    ASSERT_EQ(page.status, 200u);
    EXPECT_NE(page.header("content-type").find("text/html"), std::string::npos);
    EXPECT_NE(page.body.find("parawork"), std::string::npos);
    EXPECT_FALSE(page.header("content-security-policy").empty());
    auto etag = page.header("etag");
    ASSERT_FALSE(etag.empty());
    EXPECT_EQ(client.get("/", {{"If-None-Match", etag}}).status, 304u);
    auto gz = client.get("/", {{"Accept-Encoding", "gzip"}});
    EXPECT_EQ(gz.header("content-encoding"), "gzip");
    // Client-side routes get the app shell; a missing file is a 404.
    EXPECT_EQ(client.get("/workspaces/abc").status, 200u);
    EXPECT_EQ(client.get("/assets/missing-file.js").status, 404u);
}

TEST_F(HttpSecurity, MalformedRequestsGetAClearAnswer) {
    EXPECT_EQ(client.request("BREW", "/api/health").status, 404u);
    auto longHeader = client.get(
        "/api/health", {{"X-Big1", std::string(20000, 'a')}, {"X-Big2", std::string(20000, 'b')}});
    EXPECT_EQ(longHeader.status, 431u);
    EXPECT_EQ(api::HttpClient(daemon.tcp()).get("/api/health").status, 200u);
}

/// Sends `head` one byte at a time, one every 20 ms, then keeps sending header bytes, until
/// the daemon closes the connection; false when it answered instead or kept it past `limit`.
bool closedWhileTrickling(int fd, const std::string& head, std::chrono::seconds limit) {
    auto until = std::chrono::steady_clock::now() + limit;
    for (std::size_t i = 0; std::chrono::steady_clock::now() < until; ++i) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 20) > 0) {  // readable: the end of the stream, or an answer
            char c;
            return ::recv(fd, &c, 1, 0) <= 0;
        }
        char next = i < head.size() ? head[i] : 'a';
        ::send(fd, &next, 1, MSG_NOSIGNAL);
    }
    return false;
}

/// One whole response (head and Content-Length body) read from `fd`, or what came of it.
std::string readResponse(int fd) {
    std::string answer;
    for (;;) {
        auto end = answer.find("\r\n\r\n");
        auto length = answer.find("Content-Length: ");
        if (end != std::string::npos && length != std::string::npos &&
            answer.size() >= end + 4 + std::stoul(answer.substr(length + 16)))
            return answer;
        pollfd p{fd, POLLIN, 0};
        char chunk[4096];
        if (::poll(&p, 1, 10000) <= 0) return answer;
        auto n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) return answer;
        answer.append(chunk, static_cast<std::size_t>(n));
    }
}

/// A connection on which `head`, ended, was sent and answered (the answer in `answer`).
core::UniqueFd afterOneRequest(const RemoteTarget& target, const std::string& head,
                               std::string& answer) {
    core::UniqueFd fd(silentConnection(target));
    std::string request = head + "1\r\n\r\n";
    EXPECT_EQ(::send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(request.size()));
    answer = readResponse(fd.get());
    return fd;
}

TEST(HttpSlowClients, ARequestHeadHasOneDeadlineHoweverSlowlyItComes) {
    DaemonProcess daemon({.configToml = "[limits]\nrequest_head_timeout_ms = 300\n"});
    RemoteTarget here{.address = "127.0.0.1", .port = daemon.port()};
    const std::string head =
        "GET /api/health HTTP/1.1\r\nHost: " + daemon.hostHeader() + "\r\nX-Slow: ";
    // A byte every 20 ms: no single read ever waits long, the head never ends.
    core::UniqueFd trickling(silentConnection(here));
    EXPECT_TRUE(closedWhileTrickling(trickling.get(), head, std::chrono::seconds(20)));
    // A connection that says nothing at all.
    core::UniqueFd silent(silentConnection(here));
    EXPECT_TRUE(closedWhileTrickling(silent.get(), "", std::chrono::seconds(20)));

    // Kept alive after a full request: the next head has the same deadline from its first byte.
    std::string answer;
    auto kept = afterOneRequest(here, head, answer);
    EXPECT_NE(answer.find("HTTP/1.1 200"), std::string::npos) << answer;
    EXPECT_TRUE(closedWhileTrickling(kept.get(), head, std::chrono::seconds(20)));

    // Meanwhile everyone else is served as usual.
    EXPECT_EQ(api::HttpClient(daemon.tcp()).get("/api/health").status, 200u);
}

/// Waits until the daemon closes `fd`; false when it answered instead or kept it past `limit`.
bool closedWithin(int fd, std::chrono::seconds limit) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(limit.count() * 1000)) <= 0) return false;
    char c;
    return ::recv(fd, &c, 1, 0) <= 0;
}

TEST(HttpSlowClients, APreviewConnectionsNextRequestHeadHasTheSameDeadline) {
    DaemonProcess daemon({.configToml = "[limits]\nrequest_head_timeout_ms = 300\n"});
    RemoteTarget here{.address = "127.0.0.1", .port = daemon.port()};
    // A preview origin of no workspace: the proxy answers with its own page and keeps the
    // connection for the next request, whose head it then reads itself.
    const std::string head =
        "GET / HTTP/1.1\r\nHost: 8000-0badc0de.localhost:" + std::to_string(daemon.port()) +
        "\r\nX-Slow: ";
    // Half a head, then nothing: cut off after the deadline, not after the idle time (75 s).
    std::string answer;
    auto stalled = afterOneRequest(here, head, answer);
    EXPECT_NE(answer.find("HTTP/1.1 404"), std::string::npos) << answer;
    ASSERT_EQ(::send(stalled.get(), head.data(), head.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(head.size()));
    EXPECT_TRUE(closedWithin(stalled.get(), std::chrono::seconds(20)));
    // A head that trickles in a byte at a time has the same one deadline.
    auto trickling = afterOneRequest(here, head, answer);
    EXPECT_NE(answer.find("HTTP/1.1 404"), std::string::npos) << answer;
    EXPECT_TRUE(closedWhileTrickling(trickling.get(), head, std::chrono::seconds(20)));
}

}  // namespace
}  // namespace parawork::test
