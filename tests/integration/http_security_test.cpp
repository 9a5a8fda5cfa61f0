// DESIGN §7 against the real daemon: tokens, Host, Origin, body rules, the login link, the
// configuration endpoint, and the embedded UI.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "support/daemon_process.hpp"

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

TEST_F(HttpSecurity, CorsPreflightForTheViteDevServer) {
    auto r = client.request("OPTIONS", "/api/workspaces",
                            {{"Origin", "http://localhost:5173"},
                             {"Access-Control-Request-Method", "PATCH"},
                             {"Access-Control-Request-Headers", "content-type,x-api-key"}});
    EXPECT_EQ(r.status, 204u);
    EXPECT_EQ(r.header("access-control-allow-origin"), "http://localhost:5173");
    EXPECT_NE(r.header("access-control-allow-methods").find("PATCH"), std::string::npos);
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

}  // namespace
}  // namespace parawork::test
