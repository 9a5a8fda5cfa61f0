// Remote access (docs/remote-access.md) against a real daemon reached from another network
// namespace over a veth pair, so it sees a peer on a non-loopback interface: TLS with a
// certificate made here, the login link and its cookie, WebSockets over TLS, device tokens,
// rotation, failed-login limits, previews behind a pass, and forwarded headers believed only
// from trusted proxies.
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "support/daemon_process.hpp"
#include "support/echo_server.hpp"
#include "support/nginx.hpp"
#include "support/remote_client.hpp"
#include "support/session_api.hpp"
#include "unit_support/temp_dir.hpp"

namespace parawork::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

/// The `name=value` of a Set-Cookie header (without its attributes).
std::string cookiePair(const std::string& setCookie) {
    return setCookie.substr(0, setCookie.find(';'));
}

/// Runs `parawork --home H <args>` and parses its --json output.
json::value cliJson(const DaemonProcess& daemon, std::vector<std::string> args) {
    std::vector<std::string> argv{parawork(), "--home", daemon.home().string(), "--json"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto result = runProcess(argv, {{"PARAWORK_NO_AUTOSTART", "1"}});
    if (result.exitCode != 0)
        throw std::runtime_error("parawork failed: " + result.out + result.err);
    return json::parse(result.out);
}

class RemoteAccess : public ::testing::Test {
  protected:
    std::optional<NetworkNamespace> ns_;
    TempDir certs_{"pw-certs"};
    TempDir home_{"pw-home"};
    std::optional<DaemonProcess> daemon_;

    void SetUp() override {
        std::string why;
        auto created = NetworkNamespace::create(why);
        if (!created) GTEST_SKIP() << "network namespaces are not available here: " << why;
        ns_.emplace(std::move(*created));
        makeTestCertificate(certs_.path(), {"parawork.test", "*.preview.test"},
                            {ns_->hostAddress()});
        start();
    }

    void start(std::vector<std::string> extra = {}, std::string config = {}) {
        DaemonProcess::Options options;
        options.home = home_.path();  // kept across restarts
        options.extraArgs = {"--listen",   ns_->hostAddress() + ":0",
                             "--tls-cert", (certs_.path() / "cert.pem").string(),
                             "--tls-key",  (certs_.path() / "key.pem").string()};
        options.extraArgs.insert(options.extraArgs.end(), extra.begin(), extra.end());
        options.configToml = "[preview]\ndomain = \"preview.test\"\n" + config;
        daemon_.emplace(options);
    }

    RemoteTarget remote() const {
        return {ns_->name(), ns_->hostAddress(),         daemon_->port(),
                true,        certs_.path() / "cert.pem", "parawork.test"};
    }

    api::HttpReply get(const std::string& path, const api::Headers& headers = {}) {
        return remoteRequest(remote(), "GET", path, headers);
    }

    /// Starts `cat` in a new workspace (it echoes what it is sent); returns the session's id.
    static std::string startCat(SessionApi& api) {
        auto session = api.start(api.createWorkspace(), {"cat"}, R"("kind":"command")");
        return std::string(session.at("id").as_string());
    }

    /// Logs in with the token link; returns the cookie to send back.
    std::string login(const std::string& token) {
        auto res = get("/?token=" + token);
        EXPECT_EQ(res.status, 303u) << res.body;
        return cookiePair(res.header("set-cookie"));
    }
};

TEST_F(RemoteAccess, OverTlsNobodyWithoutTheTokenGetsMoreThanTheLoginPage) {
    // The printed links: first the UI on the preview domain (where preview logins happen),
    // then the address the other machine uses, over https.
    EXPECT_NE(daemon_->output().find("open the UI: https://preview.test:" +
                                     std::to_string(daemon_->port()) + "/?token="),
              std::string::npos)
        << daemon_->output();
    EXPECT_NE(
        daemon_->output().find("https://" + ns_->hostAddress() + ":" +
                               std::to_string(daemon_->port()) + "/?token=" + daemon_->token()),
        std::string::npos)
        << daemon_->output();

    auto page = get("/");
    EXPECT_EQ(page.status, 401u);
    EXPECT_NE(page.body.find("<form"), std::string::npos);
    EXPECT_EQ(page.body.find("<script"), std::string::npos);  // not the app
    EXPECT_EQ(get("/assets/index.js").status, 401u);
    EXPECT_EQ(get("/api/workspaces").status, 401u);
    EXPECT_EQ(get("/api/workspaces", {{"X-API-Key", std::string(64, 'a')}}).status, 403u);
    try {
        RemoteWebSocket ws(remote(), "/ws");
        ADD_FAILURE() << "a WebSocket without a credential was accepted";
    } catch (const api::WsRefused& refused) {
        EXPECT_EQ(refused.status, 401u);
    }

    // The token link: a Secure, HttpOnly, SameSite=Strict cookie and a clean URL.
    auto link = get("/?token=" + daemon_->token());
    EXPECT_EQ(link.status, 303u);
    EXPECT_EQ(link.header("location"), "/");
    auto setCookie = link.header("set-cookie");
    EXPECT_NE(setCookie.find("; Secure"), std::string::npos) << setCookie;
    EXPECT_NE(setCookie.find("HttpOnly"), std::string::npos);
    EXPECT_NE(setCookie.find("SameSite=Strict"), std::string::npos);
    auto cookie = cookiePair(setCookie);
    auto app = get("/", {{"Cookie", cookie}});
    EXPECT_EQ(app.status, 200u);
    EXPECT_NE(app.body.find("<script"), std::string::npos);
    EXPECT_EQ(get("/api/workspaces", {{"Cookie", cookie}}).status, 200u);

    // Plain HTTP to the TLS port is told to use https, and gets nothing else.
    auto plain = remote();
    plain.tls = false;
    auto wrongScheme = remoteRequest(plain, "GET", "/?token=" + daemon_->token());
    EXPECT_EQ(wrongScheme.status, 400u);
    EXPECT_NE(wrongScheme.body.find("This port speaks HTTPS"), std::string::npos);
    EXPECT_TRUE(wrongScheme.header("set-cookie").empty());
}

TEST_F(RemoteAccess, ARenewedCertificateIsReadOnSighupAndABrokenOneIsNot) {
    TempDir renewed("pw-certs");
    makeTestCertificate(renewed.path(), {"parawork.test"}, {ns_->hostAddress()});
    auto trustingRenewed = remote();
    trustingRenewed.caFile = renewed.path() / "cert.pem";
    auto handshakes = [](const RemoteTarget& target) {
        try {
            return remoteRequest(target, "GET", "/api/health").status == 200;
        } catch (const api::ConnectError&) {
            return false;
        }
    };
    auto trustingOld = remote();
    trustingOld.caFile = renewed.path() / "old.pem";
    std::filesystem::copy_file(certs_.path() / "cert.pem", trustingOld.caFile);
    ASSERT_TRUE(handshakes(trustingOld));
    ASSERT_FALSE(handshakes(trustingRenewed));
    // The renewal lands in the configured files (certbot's deploy hook copying them, say).
    for (auto file : {"cert.pem", "key.pem"})
        std::filesystem::copy_file(renewed.path() / file, certs_.path() / file,
                                   std::filesystem::copy_options::overwrite_existing);
    ::kill(daemon_->pid(), SIGHUP);
    bool switched = false;
    for (int i = 0; i < 100 && !(switched = handshakes(trustingRenewed)); ++i)
        std::this_thread::sleep_for(50ms);
    EXPECT_TRUE(switched) << daemon_->output();
    EXPECT_FALSE(handshakes(trustingOld));  // the old certificate is gone

    // A broken file is refused with a reason; the renewed certificate stays in use.
    std::ofstream(certs_.path() / "cert.pem") << "not a certificate\n";
    ::kill(daemon_->pid(), SIGHUP);
    for (int i = 0; i < 100 && daemon_->output().find("not reloaded") == std::string::npos; ++i)
        std::this_thread::sleep_for(50ms);
    EXPECT_NE(daemon_->output().find("TLS certificate not reloaded, the old one stays"),
              std::string::npos);
    EXPECT_TRUE(handshakes(trustingRenewed));
}

TEST_F(RemoteAccess, ClientsStuckBeforeTheirHandshakeCannotLockOthersOut) {
    auto health = [](const RemoteTarget& target) {
        try {
            return remoteRequest(target, "GET", "/api/health").status;
        } catch (const api::ConnectError&) {
            return 0u;
        }
    };
    std::vector<int> silent;
    for (int i = 0; i < 32; ++i) silent.push_back(silentConnection(remote()));
    // That address has its 32 handshakes in progress: one more is closed at once...
    unsigned status = 200;
    for (int i = 0; i < 100 && status != 0; ++i) {  // until the daemon has taken all 32 in
        status = health(remote());
        if (status) std::this_thread::sleep_for(20ms);
    }
    EXPECT_EQ(status, 0u);
    // ...while another client gets in as usual,
    auto here = remote();
    here.netns.clear();
    EXPECT_EQ(health(here), 200u);
    // and once they go, so does that address.
    for (int fd : silent) ::close(fd);
    unsigned after = 0;
    for (int i = 0; i < 100 && after != 200; ++i) {
        after = health(remote());
        if (after != 200) std::this_thread::sleep_for(20ms);
    }
    EXPECT_EQ(after, 200u) << daemon_->output();
    EXPECT_NE(daemon_->output().find("too many TLS handshakes in progress"), std::string::npos);
}

TEST_F(RemoteAccess, TypingIntoATerminalOverAWebSocketOverTls) {
    SessionApi api(*daemon_);
    auto id = startCat(api);
    auto cookie = login(daemon_->token());
    RemoteWebSocket attach(remote(), "/api/sessions/" + id + "/attach", {{"Cookie", cookie}});
    auto first = attach.read(10s);
    ASSERT_TRUE(first);
    EXPECT_NE(first->find("\"snapshot\""), std::string::npos) << *first;
    attach.sendBinary("typed over tls\n");
    std::string seen;
    while (seen.find("typed over tls\r\ntyped over tls") == std::string::npos) {
        auto more = attach.read(10s);
        ASSERT_TRUE(more) << "saw only: " << seen;
        seen += *more;
    }
    api.call("POST", "/api/sessions/" + id + "/stop");
    api.waitEnded(id);
}

TEST_F(RemoteAccess, SessionsDevicesAndLoginsSurviveADaemonRestart) {
    SessionApi api(*daemon_);
    auto id = startCat(api);
    auto cookie = login(daemon_->token());
    auto device = cliJson(*daemon_, {"token", "add", "tablet"});
    std::string deviceToken(device.at("token").as_string());
    {
        RemoteWebSocket attach(remote(), "/api/sessions/" + id + "/attach", {{"Cookie", cookie}});
        ASSERT_TRUE(attach.read(10s));
        attach.sendBinary("before the restart\n");
        api.waitOutput(id, "before the restart\r\nbefore the restart");
    }
    daemon_.reset();  // SIGTERM: the session's host goes on
    start();

    SessionApi again(*daemon_);
    EXPECT_EQ(again.session(id).at("status").as_string(), "running");
    RemoteWebSocket attach(remote(), "/api/sessions/" + id + "/attach", {{"Cookie", cookie}});
    std::string seen;
    while (seen.find("before the restart") == std::string::npos) {
        auto more = attach.read(10s);
        ASSERT_TRUE(more) << "the screen came back without the earlier output: " << seen;
        seen += *more;
    }
    attach.sendBinary("after the restart\n");
    again.waitOutput(id, "after the restart\r\nafter the restart");
    EXPECT_EQ(get("/api/workspaces", {{"Authorization", "Bearer " + deviceToken}}).status, 200u);
    again.call("POST", "/api/sessions/" + id + "/stop");
    again.waitEnded(id);
}

TEST_F(RemoteAccess, RotationAndRevocationEndCredentialsAtOnce) {
    auto ownerCookie = login(daemon_->token());
    auto added = cliJson(*daemon_, {"token", "add", "phone"});
    std::string deviceToken(added.at("token").as_string());
    EXPECT_TRUE(deviceToken.starts_with("pwd_"));
    auto links = added.at("links").as_array();
    ASSERT_FALSE(links.empty());
    EXPECT_NE(std::string(links[0].as_string()).find(deviceToken), std::string::npos);

    auto deviceCookie = login(deviceToken);
    EXPECT_EQ(get("/api/workspaces", {{"Authorization", "Bearer " + deviceToken}}).status, 200u);
    EXPECT_EQ(get("/api/workspaces", {{"Cookie", deviceCookie}}).status, 200u);
    auto listed = cliJson(*daemon_, {"token", "ls"}).as_array();
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].at("name").as_string(), "phone");
    EXPECT_FALSE(listed[0].at("lastUsedAt").is_null());
    // The key never came back: tokens are stored hashed.
    EXPECT_EQ(json::serialize(listed).find(deviceToken), std::string::npos);

    // A device cannot manage tokens, even with the owner's: that is the CLI's, on this machine.
    auto remoteAdd = remoteRequest(remote(), "POST", "/api/auth/devices", {{"Cookie", ownerCookie}},
                                   R"({"name":"sneaky"})");
    EXPECT_EQ(remoteAdd.status, 403u) << remoteAdd.body;

    cliJson(*daemon_, {"token", "revoke", "phone"});
    EXPECT_EQ(get("/api/workspaces", {{"Cookie", deviceCookie}}).status, 403u);
    EXPECT_EQ(get("/api/workspaces", {{"Cookie", ownerCookie}}).status, 200u);

    auto rotated = cliJson(*daemon_, {"token", "rotate"});
    EXPECT_EQ(get("/api/workspaces", {{"Cookie", ownerCookie}}).status, 403u);
    EXPECT_EQ(get("/?token=" + daemon_->token()).status, 403u);  // the old link
    std::ifstream file(daemon_->home() / "data" / "token");
    std::string fresh;
    std::getline(file, fresh);
    ASSERT_NE(fresh, daemon_->token());
    EXPECT_NE(json::serialize(rotated).find(fresh), std::string::npos);
    EXPECT_EQ(get("/api/workspaces", {{"Cookie", login(fresh)}}).status, 200u);

    // Bad input: a bad name and a duplicate are clear errors; revoking nothing says so.
    auto bad = runProcess({parawork(), "--home", daemon_->home().string(), "token", "add", "../x"});
    EXPECT_NE(bad.exitCode, 0);
    EXPECT_NE(bad.err.find("name"), std::string::npos) << bad.err;
    auto missing =
        runProcess({parawork(), "--home", daemon_->home().string(), "token", "revoke", "nobody"});
    EXPECT_NE(missing.exitCode, 0);
    EXPECT_NE(missing.err.find("nobody"), std::string::npos) << missing.err;
}

TEST_F(RemoteAccess, FailedLoginsAreLimitedPerClient) {
    // A stale cookie sent again and again (a tab after a rotation) is one failure, not many.
    for (int i = 0; i < 15; ++i)
        EXPECT_EQ(
            get("/api/workspaces", {{"Cookie", "parawork_token=" + std::string(64, 'b')}}).status,
            403u);
    for (int i = 0; i < 9; ++i)  // ten distinct failures in all
        EXPECT_EQ(get("/?token=guess" + std::to_string(i)).status, 403u);
    auto blocked = get("/?token=guess-last");
    EXPECT_EQ(blocked.status, 429u);
    EXPECT_FALSE(blocked.header("retry-after").empty());
    // Blocked means its wrong credentials are refused...
    EXPECT_EQ(get("/?token=guess-again").status, 429u);
    EXPECT_EQ(get("/api/workspaces", {{"X-API-Key", "guess-key"}}).status, 429u);
    // ...never the right one: others' failures from the same address (a page in the owner's
    // browser) must not lock the owner out.
    EXPECT_EQ(get("/?token=" + daemon_->token()).status, 303u);
    EXPECT_EQ(get("/api/workspaces", {{"X-API-Key", daemon_->token()}}).status, 200u);
    // For that client only: this machine (another address) is not blocked.
    auto here = remote();
    here.netns.clear();
    EXPECT_EQ(remoteRequest(here, "GET", "/?token=guess-here").status, 403u);
}

TEST_F(RemoteAccess, PreviewsNeedTheirOwnPassOnHttpAndWebSocket) {
    SessionApi api(*daemon_);
    TempDir dir("pw-remote-preview");
    auto ws = api.createWorkspace(dir.path().string());
    std::ofstream(dir.path() / "server.js") << kEchoServerJs;
    auto session =
        api.start(ws, {"node", (dir.path() / "server.js").string()}, R"("kind":"command")");
    std::string id(session.at("id").as_string());
    std::uint16_t port = 0;
    for (auto until = std::chrono::steady_clock::now() + 20s;
         !port && std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(50ms)) {
        auto ports =
            api.call("GET", "/api/sessions/" + id +
                                "/ports");  // a named value: iterating a temporary would dangle
        for (const auto& p : ports.at("data").as_array())
            if (p.at("state").as_string() == "listening")
                port = static_cast<std::uint16_t>(p.at("port").as_int64());
    }
    ASSERT_NE(port, 0) << api.output(id);
    std::string daemonPort = std::to_string(daemon_->port());
    std::string host = std::to_string(port) + "-" + ws.substr(0, 8) + ".preview.test:" + daemonPort;
    auto previewTarget = remote();
    previewTarget.serverName = std::to_string(port) + "-" + ws.substr(0, 8) + ".preview.test";
    auto preview = [&](const std::string& path, api::Headers headers = {}) {
        headers.emplace_back("Host", host);
        return remoteRequest(previewTarget, "GET", path, headers);
    };

    // Its URL says so: https on the preview domain.
    auto listed = api.call("GET", "/api/sessions/" + id + "/ports").at("data").as_array();
    EXPECT_EQ(listed[0].at("url").as_string(), "https://" + host + "/");

    // Without a pass: a browser is sent to the UI's origin to get one; nothing else gets in.
    auto bounced = preview("/app?x=1", {{"Accept", "text/html"}});
    EXPECT_EQ(bounced.status, 303u);
    EXPECT_EQ(bounced.header("location"), "https://preview.test:" + daemonPort +
                                              "/__parawork/preview-login?to=https://" + host +
                                              "/app?x=1");
    EXPECT_EQ(preview("/").status, 401u);
    EXPECT_EQ(preview("/__parawork/output").status, 401u);  // the loading page's output too
    EXPECT_EQ(preview("/", {{"Cookie", login(daemon_->token())}}).status, 401u);
    try {
        RemoteWebSocket socket(previewTarget, "/", {{"Host", host}});
        ADD_FAILURE() << "a preview WebSocket without a pass was accepted";
    } catch (const api::WsRefused& refused) {
        EXPECT_EQ(refused.status, 401u);
    }
    // The login page on the UI origin is served to anyone; it holds no secret.
    auto loginPage =
        get("/__parawork/preview-login?to=x", {{"Host", "preview.test:" + daemonPort}});
    EXPECT_EQ(loginPage.status, 200u);
    EXPECT_NE(loginPage.header("content-security-policy").find("nonce-"), std::string::npos);
    // Logging in from that page comes back to it, the preview still named.
    auto viaPage =
        get("/__parawork/preview-login?to=https%3A%2F%2F" + host + "%2F&token=" + daemon_->token(),
            {{"Host", "preview.test:" + daemonPort}});
    EXPECT_EQ(viaPage.status, 303u);
    EXPECT_EQ(viaPage.header("location"), "/__parawork/preview-login?to=https://" + host + "/");
    EXPECT_TRUE(viaPage.header("set-cookie").starts_with("parawork_token="));

    // What the page does: ask for a code with the login cookie, then hand it to the preview.
    auto cookie = login(daemon_->token());
    auto asked =
        remoteRequest(remote(), "POST", "/api/preview-auth", {{"Cookie", cookie}},
                      json::serialize(json::object{{"url", "https://" + host + "/app?x=1"}}));
    ASSERT_EQ(asked.status, 200u) << asked.body;
    std::string redirect(json::parse(asked.body).at("data").at("redirect").as_string());
    ASSERT_TRUE(redirect.starts_with("https://" + host + "/__parawork/preview-auth?code="))
        << redirect;
    std::string passPath = redirect.substr(("https://" + host).size());
    auto passed = preview(passPath);
    EXPECT_EQ(passed.status, 303u);
    EXPECT_EQ(passed.header("location"), "/app?x=1");
    auto setPass = passed.header("set-cookie");
    EXPECT_TRUE(setPass.starts_with("parawork_preview=")) << setPass;
    EXPECT_NE(setPass.find("HttpOnly"), std::string::npos);
    EXPECT_NE(setPass.find("; Secure"), std::string::npos);
    EXPECT_EQ(preview(passPath).status, 403u);  // one use only
    auto pass = cookiePair(setPass);

    // With the pass: the app, which never sees the pass nor the daemon's cookie.
    auto app = preview("/app", {{"Cookie", pass + "; " + cookie + "; theme=dark"}});
    ASSERT_EQ(app.status, 200u) << app.body;
    auto echoed = json::parse(app.body).at("headers").as_object();
    EXPECT_EQ(echoed.at("cookie").as_string(), "theme=dark");
    EXPECT_EQ(echoed.at("x-forwarded-proto").as_string(), "https");
    RemoteWebSocket socket(previewTarget, "/", {{"Host", host}, {"Cookie", pass}});
    socket.sendText("hi");
    auto answer = socket.read(10s);
    ASSERT_TRUE(answer);
    EXPECT_EQ(*answer, "echo:hi|cookie:|protocol:");

    // A pass is for its own preview only, and ends with the token it came from.
    std::string otherHost =
        std::to_string(port + 1) + "-" + ws.substr(0, 8) + ".preview.test:" + daemonPort;
    EXPECT_EQ(
        remoteRequest(previewTarget, "GET", "/", {{"Host", otherHost}, {"Cookie", pass}}).status,
        401u);
    auto notPreview = remoteRequest(remote(), "POST", "/api/preview-auth", {{"Cookie", cookie}},
                                    R"({"url":"https://example.com/"})");
    EXPECT_EQ(notPreview.status, 400u);
    cliJson(*daemon_, {"token", "rotate"});
    EXPECT_EQ(preview("/app", {{"Cookie", pass}}).status, 401u);

    api.call("POST", "/api/sessions/" + id + "/stop");
    api.waitEnded(id);
}

TEST_F(RemoteAccess, ForwardedHeadersAreBelievedFromTrustedProxiesOnly) {
    // The namespace's address is not a trusted proxy: what it claims is ignored.
    daemon_.reset();
    start({"--behind-proxy"}, "[server]\ntrusted_proxies = [\"" + ns_->hostAddress() + "\"]\n");
    api::Headers claims{{"X-Forwarded-For", "127.0.0.1"}, {"X-Forwarded-Proto", "https"}};
    EXPECT_EQ(get("/", claims).status, 401u);  // not "this machine"
    for (int i = 0; i < 10; ++i) {
        api::Headers h = claims;
        h[0].second = "198.51.100." + std::to_string(i);  // a new "client" each time
        get("/?token=wrong" + std::to_string(i), h);
    }
    EXPECT_EQ(get("/?token=wrong-again").status, 429u);  // limited by its real address

    // This machine's side of the pair is trusted: its forwarded client is the client.
    auto proxy = remote();
    proxy.netns.clear();
    auto asProxy = [&](const std::string& path, const std::string& client,
                       const std::string& proto = "https") {
        return remoteRequest(
            proxy, "GET", path,
            {{"X-Forwarded-For", "203.0.113.5, " + client}, {"X-Forwarded-Proto", proto}});
    };
    EXPECT_EQ(asProxy("/", "198.51.100.20").status, 401u);  // remote: the login page
    EXPECT_EQ(asProxy("/", "127.0.0.1").status, 200u);      // relaying this machine
    for (int i = 0; i < 10; ++i) asProxy("/?token=nope" + std::to_string(i), "198.51.100.21");
    EXPECT_EQ(asProxy("/?token=nope-again", "198.51.100.21").status, 429u);
    auto other = asProxy("/?token=" + daemon_->token(), "198.51.100.22");
    EXPECT_EQ(other.status, 303u);
    EXPECT_NE(other.header("set-cookie").find("; Secure"), std::string::npos);
}

// The documented nginx configuration (docs/remote-access.md, "Behind Caddy or nginx"), really
// run: nginx terminates TLS on the namespace-facing address and forwards to a daemon on
// loopback started with --behind-proxy.
TEST_F(RemoteAccess, BehindNginxAsDocumented) {
    daemon_.reset();
    TempDir nginxDir("pw-nginx");
    auto nginxPort = freePort(ns_->hostAddress());
    std::string publicOrigin = "https://preview.test:" + std::to_string(nginxPort);
    DaemonProcess::Options options;
    options.home = home_.path();
    options.extraArgs = {"--behind-proxy"};
    options.configToml =
        "[server]\npublic_url = \"" + publicOrigin +
        "\"\n[preview]\ndomain = \"preview.test\"\npublic_port = " + std::to_string(nginxPort) +
        "\n";
    daemon_.emplace(options);
    Nginx::Options proxy;
    proxy.dir = nginxDir.path();
    proxy.listenAddress = ns_->hostAddress();
    proxy.listenPort = nginxPort;
    proxy.upstreamPort = daemon_->port();
    proxy.tls = Nginx::Tls{certs_.path() / "cert.pem", certs_.path() / "key.pem"};
    proxy.httpDirectives = "  map $http_upgrade $connection_upgrade { default upgrade; '' close; }";
    proxy.locationDirectives = R"(
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-Host $http_host;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_buffering off;
        proxy_request_buffering off;
        client_max_body_size 0;
        proxy_read_timeout 1h;
        proxy_send_timeout 1h;)";
    Nginx nginx(proxy);
    auto viaNginx = remote();
    viaNginx.port = nginxPort;
    auto ui = [&](const std::string& path, api::Headers headers = {}) {
        headers.emplace_back("Host", "preview.test:" + std::to_string(nginxPort));
        return remoteRequest(viaNginx, "GET", path, headers);
    };

    // The printed link is the public one; through nginx the other machine is remote, over TLS.
    EXPECT_NE(daemon_->output().find("open the UI: " + publicOrigin + "/?token="),
              std::string::npos)
        << daemon_->output();
    EXPECT_EQ(ui("/").status, 401u);
    auto link = ui("/?token=" + daemon_->token());
    ASSERT_EQ(link.status, 303u);
    EXPECT_NE(link.header("set-cookie").find("; Secure"), std::string::npos);
    auto cookie = cookiePair(link.header("set-cookie"));
    EXPECT_EQ(ui("/", {{"Cookie", cookie}}).status, 200u);

    // A terminal through nginx's WebSocket upgrade.
    SessionApi api(*daemon_);
    auto id = startCat(api);
    RemoteWebSocket attach(
        viaNginx, "/api/sessions/" + id + "/attach",
        {{"Host", "preview.test:" + std::to_string(nginxPort)}, {"Cookie", cookie}});
    ASSERT_TRUE(attach.read(10s));
    attach.sendBinary("through nginx\n");
    api.waitOutput(id, "through nginx\r\nthrough nginx");

    // A preview on its public port: the pass flow through the proxy, to the public origin.
    std::string previewHost = "8080-deadbeef.preview.test:" + std::to_string(nginxPort);
    auto bounced =
        remoteRequest(viaNginx, "GET", "/", {{"Host", previewHost}, {"Accept", "text/html"}});
    EXPECT_EQ(bounced.status, 303u) << bounced.body;
    EXPECT_TRUE(
        bounced.header("location")
            .starts_with(publicOrigin + "/__parawork/preview-login?to=https://" + previewHost))
        << bounced.header("location");
    auto asked =
        remoteRequest(viaNginx, "POST", "/api/preview-auth",
                      {{"Host", "preview.test:" + std::to_string(nginxPort)}, {"Cookie", cookie}},
                      json::serialize(json::object{{"url", "https://" + previewHost + "/"}}));
    EXPECT_EQ(asked.status, 200u) << asked.body;
    api.call("POST", "/api/sessions/" + id + "/stop");
    api.waitEnded(id);
}

// Refusals at start: no network needed, each is a clear error before anything listens.
TEST(RemoteRefusals, ExposingTheDaemonCarelesslyIsRefusedWithAnExplanation) {
    TempDir home("pw-home");
    TempDir certs("pw-certs");
    auto serve = [&](std::vector<std::string> args) {
        std::vector<std::string> argv{parawork(), "--home", home.path().string(), "serve"};
        argv.insert(argv.end(), args.begin(), args.end());
        return runProcess(argv, {}, 20s);
    };
    auto plain = serve({"--listen", "0.0.0.0:0"});
    EXPECT_NE(plain.exitCode, 0);
    EXPECT_NE(plain.err.find("refusing to listen on 0.0.0.0 with plain HTTP"), std::string::npos)
        << plain.err;
    EXPECT_NE(plain.err.find("--insecure"), std::string::npos);

    auto half = serve({"--listen", "0.0.0.0:0", "--tls-cert", "/tmp/none.pem"});
    EXPECT_NE(half.err.find("server.tls_key is missing"), std::string::npos) << half.err;

    auto badListen = serve({"--listen", "nowhere:port"});
    EXPECT_NE(badListen.exitCode, 0);
    EXPECT_NE(badListen.err.find("--listen"), std::string::npos) << badListen.err;

    makeTestCertificate(certs.path(), {"parawork.test"}, {});
    auto cert = (certs.path() / "cert.pem").string(), key = (certs.path() / "key.pem").string();
    std::filesystem::permissions(key, std::filesystem::perms::others_read,
                                 std::filesystem::perm_options::add);
    auto readable = serve({"--port", "0", "--tls-cert", cert, "--tls-key", key});
    EXPECT_NE(readable.err.find("readable by every user"), std::string::npos) << readable.err;
    std::filesystem::permissions(key, std::filesystem::perms::others_read,
                                 std::filesystem::perm_options::remove);
    auto notPem = serve({"--port", "0", "--tls-cert", key, "--tls-key", key});
    EXPECT_NE(notPem.err.find("is not a PEM certificate"), std::string::npos) << notPem.err;
    TempDir other("pw-certs");
    makeTestCertificate(other.path(), {"other.test"}, {});
    auto mismatch = serve(
        {"--port", "0", "--tls-cert", cert, "--tls-key", (other.path() / "key.pem").string()});
    EXPECT_NE(mismatch.err.find("is not the key of the certificate"), std::string::npos)
        << mismatch.err;
}

// Over loopback with TLS, a local client works as before and the cookie is Secure.
TEST(RemoteRefusals, InsecureIsAllowedWhenAskedForAndSaysSo) {
    DaemonProcess::Options options;
    options.extraArgs = {"--listen", "0.0.0.0:0", "--insecure"};
    DaemonProcess daemon(options);
    EXPECT_NE(daemon.output().find("plain HTTP: anyone on the network can read it"),
              std::string::npos)
        << daemon.output();
    EXPECT_NE(
        daemon.output().find("http://127.0.0.1:" + std::to_string(daemon.port()) + "/?token="),
        std::string::npos);
}

}  // namespace
}  // namespace parawork::test
