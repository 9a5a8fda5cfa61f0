// W11: the API under load — `GET /api/workspaces` with 1,000 workspaces, `wrk` with 4
// connections over TCP (token in X-API-Key, as parawork's frontend sends it).
#include <cstdio>
#include <regex>
#include <string>

#include <boost/json/serialize.hpp>

#include "bench_support.hpp"
#include "workload.hpp"

namespace parawork::bench {
namespace {

constexpr int kWorkspaces = 1000;

/// wrk's latency figure ("812.00us", "1.20ms", "2.00s") in milliseconds.
double toMs(const std::string& value, const std::string& unit) {
    double v = std::stod(value);
    return unit == "us" ? v / 1000 : unit == "s" ? v * 1000 : v;
}

struct WrkRun {
    double requestsPerSecond = 0;
    double p99Ms = 0;
};

WrkRun runWrk(const test::DaemonProcess& daemon, int seconds) {
    auto result = runProgram({"wrk", "-t2", "-c4", "-d" + std::to_string(seconds) + "s",
                              "--latency", "-H", "X-API-Key: " + daemon.token(),
                              "http://" + daemon.hostHeader() + "/api/workspaces"});
    if (result.exitCode != 0) throw std::runtime_error("wrk failed:\n" + result.out);
    static const std::regex rps(R"(Requests/sec:\s+([0-9.]+))");
    static const std::regex p99(R"(99%\s+([0-9.]+)(us|ms|s)\b)");
    static const std::regex errors(R"(Non-2xx or 3xx responses: (\d+))");
    std::smatch m;
    if (std::regex_search(result.out, m, errors))
        throw std::runtime_error("wrk saw " + m[1].str() + " error responses");
    WrkRun run;
    if (!std::regex_search(result.out, m, rps)) throw std::runtime_error("no req/s from wrk");
    run.requestsPerSecond = std::stod(m[1]);
    if (!std::regex_search(result.out, m, p99)) throw std::runtime_error("no p99 from wrk");
    run.p99Ms = toMs(m[1], m[2]);
    return run;
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
        auto r = runWrk(daemon, seconds);
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
