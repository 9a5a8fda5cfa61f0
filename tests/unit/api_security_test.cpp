// The request gate: Host allow-list, Origin checks, the four token forms, the login link.
#include <gtest/gtest.h>

#include "api/security.hpp"

namespace parawork::api {
namespace {

constexpr const char* kToken = "0123456789abcdef0123456789abcdef";

RequestGate gate() {
    SecurityPolicy p;
    p.port = 3000;
    p.tokens = std::make_shared<auth::TokenRegistry>(kToken, nullptr);
    p.allowedOrigins = {"http://localhost:5173"};
    p.allowedHosts = {"devbox.local:3000", "myname"};
    return RequestGate(p);
}

std::optional<Response> admit(const RequestGate& g, Request r) {
    return g.admitHttp(r);
}

Request request(std::string method, std::string path,
                std::map<std::string, std::string> headers = {{"host", "127.0.0.1:3000"}}) {
    Request r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.headers = std::move(headers);
    r.peerIsLoopback = true;
    return r;
}

TEST(HostHeader, Parses) {
    auto hp = parseHostHeader("LocalHost:3000");
    ASSERT_TRUE(hp);
    EXPECT_EQ(hp->host, "localhost");
    EXPECT_EQ(hp->port, 3000);
    hp = parseHostHeader("[::1]:8080");
    ASSERT_TRUE(hp);
    EXPECT_EQ(hp->host, "[::1]");
    EXPECT_EQ(hp->port, 8080);
    EXPECT_FALSE(parseHostHeader("localhost:99999"));
    EXPECT_FALSE(parseHostHeader("localhost:3x"));
    EXPECT_FALSE(parseHostHeader("[::1"));
    EXPECT_FALSE(parseHostHeader(""));
}

TEST(RequestGate, AllowsLoopbackHostsOnTheDaemonPortOnly) {
    auto g = gate();
    EXPECT_TRUE(g.hostAllowed("localhost:3000"));
    EXPECT_TRUE(g.hostAllowed("127.0.0.1:3000"));
    EXPECT_TRUE(g.hostAllowed("[::1]:3000"));
    EXPECT_TRUE(g.hostAllowed("localhost.:3000"));
    EXPECT_FALSE(g.hostAllowed("localhost:3001"));
    EXPECT_FALSE(g.hostAllowed("evil.example:3000"));  // DNS rebinding
    EXPECT_FALSE(g.hostAllowed("127.0.0.1.nip.io:3000"));
    EXPECT_TRUE(g.hostAllowed("localhost:5173"));     // host of a configured origin
    EXPECT_TRUE(g.hostAllowed("devbox.local:3000"));  // configured name:port
    EXPECT_FALSE(g.hostAllowed("devbox.local:4000"));
    EXPECT_TRUE(g.hostAllowed("myname:1234"));  // configured name, any port
}

TEST(RequestGate, Origins) {
    auto g = gate();
    EXPECT_TRUE(g.originAllowed("http://127.0.0.1:3000"));
    EXPECT_TRUE(g.originAllowed("http://localhost:5173"));
    EXPECT_FALSE(g.originAllowed("http://evil.example"));
    EXPECT_FALSE(g.originAllowed("null"));
    EXPECT_FALSE(g.originAllowed("http://localhost:3001"));
    EXPECT_FALSE(g.originAllowed("file://"));
}

TEST(RequestGate, TokenForms) {
    auto g = gate();
    auto r = request("GET", "/api/workspaces");
    EXPECT_FALSE(g.authenticate(r).has_value());
    r.headers["x-api-key"] = kToken;
    EXPECT_TRUE(g.authenticate(r).has_value());
    r.headers["x-api-key"] = "";  // parawork's frontend sends an empty key: falls through
    r.query = {{"api_key", kToken}};
    EXPECT_TRUE(g.authenticate(r).has_value());
    r.query.clear();
    r.headers.erase("x-api-key");
    r.headers["authorization"] = std::string("Bearer ") + kToken;
    EXPECT_TRUE(g.authenticate(r).has_value());
    r.headers.erase("authorization");
    r.headers["cookie"] = std::string("a=b; parawork_token=") + kToken + "; c=d";
    EXPECT_TRUE(g.authenticate(r).has_value());
    r.headers["cookie"] = "parawork_token=0123456789abcdef0123456789abcdeX";
    EXPECT_FALSE(g.authenticate(r).has_value());
    r.headers["cookie"] = "parawork_token=short";
    EXPECT_FALSE(g.authenticate(r).has_value());
}

TEST(RequestGate, AdmitHttp) {
    auto g = gate();
    EXPECT_FALSE(admit(g, request("GET", "/api/health")));  // public
    EXPECT_FALSE(admit(g, request("GET", "/index.html")));  // the UI shell is public
    auto missing = admit(g, request("GET", "/api/workspaces"));
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->status, 401u);
    auto wrong = request("GET", "/api/workspaces");
    wrong.headers["x-api-key"] = "nope";
    ASSERT_TRUE(g.admitHttp(wrong));
    EXPECT_EQ(g.admitHttp(wrong)->status, 403u);
    auto foreign = request("GET", "/api/health", {{"host", "evil.example"}});
    ASSERT_TRUE(g.admitHttp(foreign));
    EXPECT_EQ(g.admitHttp(foreign)->status, 403u);
    auto noHost = request("GET", "/api/health", {});
    ASSERT_TRUE(g.admitHttp(noHost));
}

TEST(RequestGate, CrossSiteStateChangesAreRefusedEvenWithTheCookie) {
    auto g = gate();
    auto r = request("POST", "/api/workspaces");
    r.headers["cookie"] = std::string("parawork_token=") + kToken;
    EXPECT_FALSE(g.admitHttp(r));
    r.headers["origin"] = "http://evil.example";
    ASSERT_TRUE(g.admitHttp(r));
    EXPECT_EQ(g.admitHttp(r)->status, 403u);
    r.headers.erase("origin");
    r.headers["sec-fetch-site"] = "cross-site";
    ASSERT_TRUE(g.admitHttp(r));
    r.headers["sec-fetch-site"] = "same-origin";
    r.headers["origin"] = "http://127.0.0.1:3000";
    EXPECT_FALSE(g.admitHttp(r));
}

TEST(RequestGate, ConfigOnlyForSameOriginLoopback) {
    auto g = gate();
    auto r = request("GET", "/api/config");
    r.headers["cookie"] = std::string("parawork_token=") + kToken;
    EXPECT_FALSE(g.admitHttp(r));
    r.peerIsLoopback = false;
    ASSERT_TRUE(g.admitHttp(r));
    r.peerIsLoopback = true;
    r.headers["sec-fetch-site"] = "same-site";
    ASSERT_TRUE(g.admitHttp(r));
    r.headers.erase("sec-fetch-site");
    r.headers["origin"] = "http://evil.example";
    ASSERT_TRUE(g.admitHttp(r));
}

TEST(RequestGate, UnixSocketNeedsNothing) {
    auto g = gate();
    auto r = request("POST", "/api/workspaces", {});
    r.transport = Transport::Unix;
    EXPECT_FALSE(g.admitHttp(r));
    EXPECT_FALSE(g.admitWebSocket(r));
}

TEST(RequestGate, WebSocket) {
    auto g = gate();
    auto r = request("GET", "/");
    ASSERT_TRUE(g.admitWebSocket(r));
    EXPECT_EQ(g.admitWebSocket(r)->status, 401u);
    r.query = {{"api_key", kToken}};
    EXPECT_FALSE(g.admitWebSocket(r));
    r.headers["origin"] = "http://evil.example";  // cross-site WebSocket hijacking
    ASSERT_TRUE(g.admitWebSocket(r));
    EXPECT_EQ(g.admitWebSocket(r)->status, 403u);
}

TEST(RequestGate, LoginLinkSetsCookieAndCleansUrl) {
    auto g = gate();
    auto r = request("GET", "/workspaces/x");
    r.target = std::string("/workspaces/x?token=") + kToken + "&tab=logs";
    r.query = {{"token", kToken}, {"tab", "logs"}};
    auto res = g.login(r);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 303u);
    std::map<std::string, std::string> h(res->headers.begin(), res->headers.end());
    EXPECT_EQ(h["Location"], "/workspaces/x?tab=logs");
    EXPECT_NE(h["Set-Cookie"].find("HttpOnly"), std::string::npos);
    EXPECT_NE(h["Set-Cookie"].find("SameSite=Strict"), std::string::npos);
    EXPECT_NE(h["Set-Cookie"].find(kToken), std::string::npos);
    r.query = {{"token", "wrong"}};
    ASSERT_TRUE(g.login(r));
    EXPECT_EQ(g.login(r)->status, 403u);
    r.query.clear();
    EXPECT_FALSE(g.login(r));
}

TEST(RequestGate, TheLoginLinkRedirectsOnlyToOurOwnOrigin) {
    auto g = gate();
    auto locationFor = [&](const std::string& path) {
        auto r = request("GET", path);
        r.target = path + "?token=" + kToken;
        r.query = {{"token", kToken}};
        auto res = g.login(r);
        EXPECT_EQ(res->status, 303u);
        std::map<std::string, std::string> h(res->headers.begin(), res->headers.end());
        return h["Location"];
    };
    EXPECT_EQ(locationFor("///evil.example/"), "/");
    EXPECT_EQ(locationFor("//evil.example/"), "/");
    EXPECT_EQ(locationFor("/\\evil.example/"), "/");
    EXPECT_EQ(locationFor("/workspaces/a//b"), "/workspaces/a//b");
    EXPECT_EQ(localRedirectPath("/\t/evil.example"), "/");  // browsers drop the tab
    EXPECT_EQ(localRedirectPath("/%2F/evil.example"), "/%2F/evil.example");  // stays encoded
    EXPECT_EQ(localRedirectPath(""), "/");
    EXPECT_EQ(localRedirectPath("evil.example"), "/");
}

TEST(CredentialParameters, NamesAreComparedDecoded) {
    for (const char* name : {"api_key", "token", "api%5fkey", "api%5Fkey", "%61pi_key", "%74oken"})
        EXPECT_TRUE(isCredentialParameter(name)) << name;
    for (const char* name : {"api_key2", "apikey", "Api_key", "api%5fkey%zz", "api+key", "tok%en"})
        EXPECT_FALSE(isCredentialParameter(name)) << name;
    EXPECT_EQ(decodeQueryComponent("a+b%20c%2B"), "a b c+");
    EXPECT_EQ(decodeQueryComponent("100%"), "100%");  // not percent-encoding: as it is
}

TEST(RequestGate, Preflight) {
    auto g = gate();
    auto r = request("OPTIONS", "/api/workspaces");
    r.headers["origin"] = "http://localhost:5173";
    r.headers["access-control-request-headers"] = "content-type,x-api-key";
    auto res = g.preflight(r);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 204u);
    std::map<std::string, std::string> h(res->headers.begin(), res->headers.end());
    EXPECT_EQ(h["Access-Control-Allow-Origin"], "http://localhost:5173");
    EXPECT_EQ(h["Access-Control-Allow-Headers"], "content-type,x-api-key");
    r.headers["origin"] = "http://evil.example";
    res = g.preflight(r);
    std::map<std::string, std::string> h2(res->headers.begin(), res->headers.end());
    EXPECT_FALSE(h2.contains("Access-Control-Allow-Origin"));
}

/// A gate for a daemon listening beyond loopback behind a proxy at 10.0.0.1, with limits.
RequestGate remoteGate() {
    SecurityPolicy p;
    p.port = 3000;
    p.tokens = std::make_shared<auth::TokenRegistry>(kToken, nullptr);
    p.limiter = std::make_shared<auth::LoginLimiter>();
    p.remote = true;
    p.trustedProxies = {"10.0.0.1", "::1"};
    return RequestGate(p);
}

Request from(const RequestGate& g, const std::string& peer,
             std::map<std::string, std::string> headers = {{"host", "192.0.2.1:3000"}},
             bool tls = false) {
    Request r;
    r.method = "GET";
    r.path = "/";
    r.headers = std::move(headers);
    g.identify(r, Peer{Transport::Tcp, peer, tls});
    return r;
}

TEST(RequestGate, IdentifiesClientsAndBelievesOnlyTrustedProxies) {
    auto g = remoteGate();
    auto direct = from(g, "127.0.0.1");
    EXPECT_TRUE(direct.peerIsLoopback);
    EXPECT_EQ(direct.clientAddress, "127.0.0.1");
    auto remote = from(g, "::ffff:198.51.100.4", {{"host", "x"}}, true);
    EXPECT_FALSE(remote.peerIsLoopback);
    EXPECT_EQ(remote.clientAddress, "198.51.100.4");
    EXPECT_TRUE(remote.secure);

    // An untrusted peer's claims are ignored.
    auto liar =
        from(g, "198.51.100.4", {{"x-forwarded-for", "127.0.0.1"}, {"x-forwarded-proto", "https"}});
    EXPECT_FALSE(liar.peerIsLoopback);
    EXPECT_EQ(liar.clientAddress, "198.51.100.4");
    EXPECT_FALSE(liar.secure);
    // A loopback peer that relays someone but is not a configured proxy: not this machine.
    EXPECT_FALSE(from(g, "127.0.0.1", {{"x-forwarded-for", "198.51.100.9"}}).peerIsLoopback);

    // A trusted proxy: the last address it (or a trusted proxy before it) appended.
    auto relayed = from(
        g, "10.0.0.1",
        {{"x-forwarded-for", "127.0.0.1, 203.0.113.7, ::1"}, {"x-forwarded-proto", "http, https"}});
    EXPECT_EQ(relayed.clientAddress, "203.0.113.7");
    EXPECT_FALSE(relayed.peerIsLoopback);
    EXPECT_TRUE(relayed.secure);
    auto local = from(g, "10.0.0.1", {{"x-forwarded-for", "127.0.0.1"}});
    EXPECT_TRUE(local.peerIsLoopback);
    EXPECT_FALSE(local.secure);
    auto silent = from(g, "10.0.0.1");  // says nothing about whom it relays
    EXPECT_FALSE(silent.peerIsLoopback);
    auto garbage = from(g, "10.0.0.1", {{"x-forwarded-for", "not-an-address"}});
    EXPECT_FALSE(garbage.peerIsLoopback);
    EXPECT_EQ(garbage.clientAddress, "not-an-address");
}

TEST(RequestGate, RemoteClientsWithoutACredentialSeeOnlyTheLoginPage) {
    auto g = remoteGate();
    EXPECT_TRUE(g.hostAllowed("192.0.2.1:3000"));  // IP literals can't be DNS-rebound
    EXPECT_TRUE(g.hostAllowed("[2001:db8::1]:8443"));
    EXPECT_FALSE(g.hostAllowed("evil.example:3000"));

    auto page = from(g, "198.51.100.4");
    auto refusal = g.admitHttp(page);
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->status, 401u);
    EXPECT_NE(refusal->body.find("<form method=\"get\" action=\"/\">"), std::string::npos);
    std::map<std::string, std::string> h(refusal->headers.begin(), refusal->headers.end());
    EXPECT_NE(h["Content-Security-Policy"].find("default-src 'none'"), std::string::npos);

    auto withKey = from(g, "198.51.100.4", {{"host", "192.0.2.1:3000"}, {"x-api-key", kToken}});
    EXPECT_FALSE(g.admitHttp(withKey));
    ASSERT_TRUE(withKey.principal);
    EXPECT_EQ(withKey.principal->id, "owner");

    auto link = from(g, "198.51.100.4");
    link.query = {{"token", "x"}};
    EXPECT_FALSE(g.admitHttp(link));  // on to login(), which says whether it is valid
    auto previewLogin = from(g, "198.51.100.4");
    previewLogin.path = std::string(kPreviewLoginPath);
    EXPECT_FALSE(g.admitHttp(previewLogin));
    auto local = from(g, "127.0.0.1");
    EXPECT_FALSE(g.admitHttp(local));  // this machine's browser gets the UI, as before
}

/// A request to /api/workspaces from `peer` with these headers (besides Host).
Request apiRequest(const RequestGate& g, const std::string& peer,
                   std::map<std::string, std::string> headers) {
    headers["host"] = "192.0.2.1:3000";
    auto r = from(g, peer, std::move(headers));
    r.path = "/api/workspaces";
    return r;
}

void failTenTimes(const RequestGate& g, const std::string& peer) {
    for (int i = 0; i < 10; ++i) {
        auto r = apiRequest(g, peer, {{"x-api-key", "wrong" + std::to_string(i)}});
        auto res = g.admitHttp(r);
        ASSERT_TRUE(res);
        EXPECT_EQ(res->status, 403u);
    }
}

TEST(RequestGate, TenDifferentWrongCredentialsBlockTheClientsWrongOnes) {
    auto g = remoteGate();
    failTenTimes(g, "198.51.100.4");
    auto wrong = apiRequest(g, "198.51.100.4", {{"x-api-key", "wrong-again"}});
    auto blocked = g.admitHttp(wrong);
    ASSERT_TRUE(blocked);
    EXPECT_EQ(blocked->status, 429u);
    std::map<std::string, std::string> h(blocked->headers.begin(), blocked->headers.end());
    EXPECT_FALSE(h["Retry-After"].empty());
    auto badLink = from(g, "198.51.100.4");
    badLink.query = {{"token", "wrong-link"}};
    EXPECT_EQ(g.login(badLink)->status, 429u);
    auto other = apiRequest(g, "198.51.100.5", {{"x-api-key", "wrong-elsewhere"}});
    EXPECT_EQ(g.admitHttp(other)->status, 403u);
}

TEST(RequestGate, TheRightCredentialIsNeverRefusedForOthersFailures) {
    // A page in the owner's browser fails from the owner's own address; he still gets in.
    auto g = remoteGate();
    failTenTimes(g, "127.0.0.1");
    for (const auto& credential : std::vector<std::map<std::string, std::string>>{
             {{"x-api-key", kToken}},
             {{"authorization", std::string("Bearer ") + kToken}},
             {{"cookie", std::string("parawork_token=") + kToken}}}) {
        auto right = apiRequest(g, "127.0.0.1", credential);
        EXPECT_FALSE(g.admitHttp(right)) << credential.begin()->first;
        EXPECT_TRUE(right.principal);
    }
    auto link = from(g, "127.0.0.1");
    link.target = "/?token=" + std::string(kToken);
    link.query = {{"token", kToken}};
    EXPECT_EQ(g.login(link)->status, 303u);
    auto ws = apiRequest(g, "127.0.0.1", {{"cookie", std::string("parawork_token=") + kToken}});
    EXPECT_FALSE(g.admitWebSocket(ws));
}

TEST(RequestGate, AForeignPagesWrongCredentialsDoNotCount) {
    auto g = remoteGate();
    // What <img src="http://127.0.0.1:3000/api/health?api_key=xN"> sends from any web page, a
    // preview (same-site on *.localhost) or a page that announces its Origin.
    for (const auto& page : std::vector<std::map<std::string, std::string>>{
             {{"sec-fetch-site", "cross-site"}},
             {{"sec-fetch-site", "same-site"}},
             {{"origin", "http://evil.example"}},
             {{"origin", "http://evil.example"}, {"sec-fetch-site", "same-origin"}}}) {
        for (int i = 0; i < 20; ++i) {
            auto health = apiRequest(g, "127.0.0.1", page);
            health.path = "/api/health";
            health.query = {{"api_key", "x" + std::to_string(i)}};
            EXPECT_FALSE(g.admitHttp(health));
            auto link = from(g, "127.0.0.1", page);
            link.query = {{"token", "t" + std::to_string(i)}};
            EXPECT_EQ(g.login(link)->status, 403u);
        }
    }
    // Not blocked: the client's own wrong credential is still a plain 403.
    auto wrong = apiRequest(g, "127.0.0.1", {{"x-api-key", "wrong"}});
    EXPECT_EQ(g.admitHttp(wrong)->status, 403u);
    // The daemon's own pages (same-origin, or no fetch metadata as above) do count.
    for (int i = 0; i < 9; ++i) {
        auto own = apiRequest(g, "127.0.0.1",
                              {{"x-api-key", "w" + std::to_string(i)},
                               {"sec-fetch-site", "same-origin"},
                               {"origin", "http://192.0.2.1:3000"}});
        EXPECT_EQ(g.admitHttp(own)->status, 403u);
    }
    EXPECT_EQ(g.admitHttp(wrong)->status, 429u);
}

TEST(RequestGate, AnIpv6ClientIsLimitedByItsSlash64) {
    auto g = remoteGate();
    for (int i = 0; i < 10; ++i) {  // a new address of the same /64 for each try
        auto r = from(g, "2001:db8:1:2::" + std::to_string(i + 1),
                      {{"host", "[2001:db8::1]:3000"}, {"x-api-key", "wrong" + std::to_string(i)}});
        r.path = "/api/workspaces";
        EXPECT_EQ(g.admitHttp(r)->status, 403u);
    }
    auto same =
        from(g, "2001:db8:1:2:ffff::9", {{"host", "[2001:db8::1]:3000"}, {"x-api-key", "w"}});
    same.path = "/api/workspaces";
    EXPECT_EQ(g.admitHttp(same)->status, 429u);
    auto next = from(g, "2001:db8:1:3::1", {{"host", "[2001:db8::1]:3000"}, {"x-api-key", "w"}});
    next.path = "/api/workspaces";
    EXPECT_EQ(g.admitHttp(next)->status, 403u);
}

TEST(RequestGate, TheLoginCookieIsSecureOverTls) {
    auto g = remoteGate();
    auto r = from(g, "198.51.100.4", {{"host", "192.0.2.1:3000"}}, true);
    r.target = "/?token=" + std::string(kToken);
    r.query = {{"token", kToken}};
    auto res = g.login(r);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 303u);
    std::map<std::string, std::string> h(res->headers.begin(), res->headers.end());
    EXPECT_NE(h["Set-Cookie"].find("; Secure"), std::string::npos) << h["Set-Cookie"];
    r.secure = false;
    auto overPlainHttp = g.login(r);
    ASSERT_TRUE(overPlainHttp);
    std::map<std::string, std::string> plain(overPlainHttp->headers.begin(),
                                             overPlainHttp->headers.end());
    EXPECT_EQ(plain["Set-Cookie"].find("Secure"), std::string::npos);
}

TEST(Cookies, Parse) {
    EXPECT_EQ(cookieValue("a=1; b=2", "b"), "2");
    EXPECT_EQ(cookieValue("a=1;b=2 ", "b"), "2");
    EXPECT_EQ(cookieValue("ab=1", "b"), std::nullopt);
    EXPECT_EQ(cookieValue("", "b"), std::nullopt);
}

}  // namespace
}  // namespace parawork::api
