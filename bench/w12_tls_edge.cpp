// W12: the TLS edge — `GET /api/workspaces` (a handful of workspaces, token in X-API-Key) with
// `wrk -t2 -c8` over https: our daemon terminating TLS itself (tls_front: TLS, then a socket pair
// to the HTTP server) against Debian's nginx terminating TLS in front of a second, plain daemon
// of the same binary (one worker, upstream keep-alive), with the same certificate; both speak
// TLS 1.3 to wrk. The note adds the plain daemon over plain HTTP, and each edge with a new
// connection per request (`Connection: close`): wrk then resumes its TLS session on every
// connection after its first (nginx's $ssl_session_reused says so), which in TLS 1.3 still costs
// an ECDHE exchange, but no certificate signature.
#include <cstdio>
#include <string>
#include <vector>

#include <boost/json/serialize.hpp>

#include "bench_support.hpp"
#include "support/remote_client.hpp"
#include "support/session_api.hpp"
#include "unit_support/temp_dir.hpp"
#include "workload.hpp"

namespace parawork::bench {
namespace {

constexpr int kWorkspaces = 5;

/// One thing wrk is pointed at, and what it measured there, repetition after repetition.
struct Contender {
    std::string url;
    std::string token;
    bool newConnectionEachRequest = false;
    std::vector<double> rates;
    std::vector<double> p99s;

    void measure(int seconds) {
        std::vector<std::string> args{"-t2", "-c8", "-d" + std::to_string(seconds) + "s", "-H",
                                      "X-API-Key: " + token};
        if (newConnectionEachRequest) args.insert(args.end(), {"-H", "Connection: close"});
        args.push_back(url);
        auto run = runWrk(args);
        rates.push_back(run.requestsPerSecond);
        p99s.push_back(run.p99Ms);
    }
};

test::DaemonProcess::Options daemonOptions(std::vector<std::string> extraArgs) {
    extraArgs.insert(extraArgs.begin(), {"--log-level", "warn"});
    return test::DaemonProcess::Options{.extraArgs = std::move(extraArgs)};
}

/// Adds the workspaces the listing returns; returns the size of one reply.
std::size_t addWorkspaces(const test::DaemonProcess& daemon) {
    test::SessionApi api(daemon);
    for (int i = 0; i < kWorkspaces; ++i) api.createWorkspace("/tmp");
    return boost::json::serialize(api.call("GET", "/api/workspaces")).size();
}

Result run(const RunOptions& options) {
    test::TempDir certs("pw-w12-certs");
    test::makeTestCertificate(certs.path(), {"localhost"}, {"127.0.0.1"});
    test::Nginx::Tls tls{certs.path() / "cert.pem", certs.path() / "key.pem"};
    test::DaemonProcess tlsDaemon(
        daemonOptions({"--tls-cert", tls.certFile.string(), "--tls-key", tls.keyFile.string()}));
    test::DaemonProcess plainDaemon(daemonOptions({}));
    auto replyBytes = addWorkspaces(tlsDaemon);
    addWorkspaces(plainDaemon);
    test::TempDir nginxDir("pw-w12-nginx");
    test::Nginx nginx(nginxAnchor(nginxDir.path(), plainDaemon.port(), tls));

    auto listing = [](const std::string& scheme, std::uint16_t port) {
        return scheme + "://127.0.0.1:" + std::to_string(port) + "/api/workspaces";
    };
    Contender ours{listing("https", tlsDaemon.port()), tlsDaemon.token()};
    Contender reference{listing("https", nginx.port()), plainDaemon.token()};
    Contender plain{listing("http", plainDaemon.port()), plainDaemon.token()};
    Contender oursConnecting{ours.url, ours.token, true};
    Contender referenceConnecting{reference.url, reference.token, true};
    Contender plainConnecting{plain.url, plain.token, true};
    std::vector<Contender*> contenders{&ours,           &reference,           &plain,
                                       &oursConnecting, &referenceConnecting, &plainConnecting};
    int seconds = options.quick ? 1 : 3;
    for (int i = 0; i < options.repetitions; ++i) {
        // Every other repetition runs them in reverse order, so none always comes first.
        for (std::size_t k = 0; k < contenders.size(); ++k) {
            checkInterrupted();
            contenders[i % 2 == 0 ? k : contenders.size() - 1 - k]->measure(seconds);
        }
    }
    Result r;
    r.id = "W12";
    r.workload = "TLS edge: GET /api/workspaces over https, wrk -c8";
    r.unit = "req/s";
    r.ours = median(ours.rates);
    r.anchor = median(reference.rates);
    r.anchorName = "nginx terminating TLS in front of a plain daemon";
    r.target = "no BENCHMARKS.md target (our own): >= 0.8x nginx TLS in front";
    r.holds = r.ours >= 0.8 * *r.anchor;
    char note[512];
    std::snprintf(
        note, sizeof note,
        "p99 ours %.2f ms, nginx %.2f ms; plain daemon over http %.0f req/s p99 %.2f ms; a new "
        "connection per request (TLS resumed): ours %.0f req/s, nginx %.0f req/s, plain http %.0f "
        "req/s; %d workspaces, %zu bytes a reply; %d s per run",
        median(ours.p99s), median(reference.p99s), median(plain.rates), median(plain.p99s),
        median(oursConnecting.rates), median(referenceConnecting.rates),
        median(plainConnecting.rates), kWorkspaces, replyBytes, seconds);
    r.note = note;
    return r;
}

Register registration("W12", run);

}  // namespace
}  // namespace parawork::bench
