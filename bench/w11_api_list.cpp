// W11: the API under load — `GET /api/workspaces` with 1,000 workspaces, `wrk` with 4
// connections over TCP (token in X-API-Key, as parawork's frontend sends it).
#include <cstdio>
#include <string>

#include <boost/json/serialize.hpp>

#include "bench_support.hpp"
#include "workload.hpp"

namespace parawork::bench {
namespace {

constexpr int kWorkspaces = 1000;

WrkRun runWrkOn(const test::DaemonProcess& daemon, int seconds) {
    return runWrk({"-t2", "-c4", "-d" + std::to_string(seconds) + "s", "-H",
                   "X-API-Key: " + daemon.token(),
                   "http://" + daemon.hostHeader() + "/api/workspaces"});
}

Result run(const RunOptions& options) {
    test::DaemonProcess daemon(test::DaemonProcess::Options{.extraArgs = {"--log-level", "warn"}});
    test::SessionApi api(daemon);
    for (int i = 0; i < kWorkspaces; ++i) {
        checkInterrupted();
        api.createWorkspace("/tmp");
    }
    auto listed = api.call("GET", "/api/workspaces").at("data").as_array().size();
    if (listed != kWorkspaces) throw std::runtime_error("workspaces were not all created");
    std::vector<double> rates, p99s;
    int seconds = options.quick ? 1 : 3;
    for (int i = 0; i < options.repetitions; ++i) {
        checkInterrupted();
        auto r = runWrkOn(daemon, seconds);
        rates.push_back(r.requestsPerSecond);
        p99s.push_back(r.p99Ms);
    }
    Result r;
    r.id = "W11";
    r.workload = "GET /api/workspaces, 1,000 workspaces, wrk -c4";
    r.unit = "req/s";
    r.ours = median(rates);
    r.target = ">= 10,000 req/s";
    r.holds = r.ours >= 10000;
    char note[160];
    auto replyBytes = boost::json::serialize(api.call("GET", "/api/workspaces")).size();
    std::snprintf(note, sizeof note, "p99 %.2f ms (median of runs); %d s per run; %zu KiB a reply",
                  median(p99s), seconds, replyBytes / 1024);
    r.note = note;
    return r;
}

Register registration("W11", run);

}  // namespace
}  // namespace parawork::bench
