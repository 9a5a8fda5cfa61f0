// Resources, limits and metrics (issue 8) against a real daemon and real processes: CPU of a
// busy loop, memory, CPU, run-time and task limits (through the session's cgroup where the
// machine has one, and through the watchdog with `resources.cgroups = false`), the resources
// API, GET /metrics in the Prometheus text format, and the CLI's `top`, `ps` and `run` flags.
#include <algorithm>
#include <cstring>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <unistd.h>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "support/session_api.hpp"
#include "unit_support/read_file.hpp"
#include "unit_support/temp_dir.hpp"
#include "unit_support/wait_until.hpp"

namespace parawork::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kBusyLoop = "while :; do :; done";
/// Allocates (and touches) 1 MiB more every few milliseconds, forever.
constexpr const char* kAllocator =
    "import time\nb=[]\nwhile True:\n    b.append(bytearray(1<<20))\n    time.sleep(0.002)\n";

std::string config(bool cgroups) {
    return std::string("[resources]\nsample_interval_ms = 250\ncgroups = ") +
           (cgroups ? "true" : "false") + "\n[sessions]\nstop_grace_ms = 500\n";
}

struct Fixture {
    DaemonProcess daemon;
    SessionApi api{daemon};
    std::string workspace = api.createWorkspace("/tmp");

    explicit Fixture(bool cgroups = true)
        : daemon(DaemonProcess::Options{.configToml = config(cgroups)}) {}

    json::object start(const std::vector<std::string>& argv, const std::string& limits = {}) {
        return api.start(workspace, argv, limits.empty() ? "" : "\"limits\":" + limits);
    }
    json::object resources(const std::string& id) {
        auto res = api.call("GET", "/api/sessions/" + id + "/resources");
        EXPECT_TRUE(res.at("success").as_bool()) << json::serialize(res);
        return res.at("data").as_object();
    }
    /// Waits until the session has at least `count` samples; returns its resources.
    json::object waitSamples(const std::string& id, std::size_t count) {
        auto until = std::chrono::steady_clock::now() + 30s;
        json::object r;
        do {
            r = resources(id);
            if (r.at("recent").as_array().size() >= count) break;
            std::this_thread::sleep_for(100ms);
        } while (std::chrono::steady_clock::now() < until);
        return r;
    }
    std::string mechanism() {
        return std::string(
            api.call("GET", "/api/resources").at("data").at("mechanism").as_string());
    }
};

/// The median CPU % of the samples after the first `skip` (warm-up).
double medianCpu(const json::object& resources, std::size_t skip) {
    std::vector<double> cpu;
    const auto& recent = resources.at("recent").as_array();
    for (std::size_t i = skip; i < recent.size(); ++i)
        cpu.push_back(recent[i].at("cpuPercent").to_number<double>());
    if (cpu.empty()) return -1;
    std::sort(cpu.begin(), cpu.end());
    return cpu[cpu.size() / 2];
}

std::string exitReason(const json::object& session) {
    const auto* reason = session.if_contains("exitReason");
    return reason && reason->is_string() ? std::string(reason->as_string()) : "";
}

// ---- sampling ---------------------------------------------------------------------------------

/// CPU seconds the kernel accounted to `pid` (utime + stime).
double cpuSeconds(int pid) {
    std::string text = readFile("/proc/" + std::to_string(pid) + "/stat");
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i)
        if (i >= 14) ticks += std::stod(field);
    return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

TEST(Resources, ABusyLoopReadsAboutOneCore) {
    Fixture f;
    auto session = f.start({"sh", "-c", kBusyLoop});
    auto id = std::string(session.at("id").as_string());
    int pid = session.at("processId").to_number<int>();
    f.waitSamples(id, 3);  // warm-up
    // The loop gets a whole core on an idle machine; on a busy one (other builds sharing the
    // two cores) less: the samples must read what the kernel accounts meanwhile, ±15.
    double before = cpuSeconds(pid);
    auto from = std::chrono::steady_clock::now();
    auto skip = f.resources(id).at("recent").as_array().size();
    auto r = f.waitSamples(id, skip + 8);
    double kernel = 100 * (cpuSeconds(pid) - before) /
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - from).count();
    EXPECT_NEAR(medianCpu(r, skip + 1), kernel, 15.0) << json::serialize(r);
    // Given the core all along, the samples must say so. (Not when the mean is merely above 85:
    // the share wavers on a busy machine, and the median may sit further below the mean.)
    if (kernel > 95) {
        EXPECT_NEAR(medianCpu(r, skip + 1), 100.0, 15.0);
    }
    std::cout << "busy loop: sampled median " << medianCpu(r, skip + 1) << " %, kernel " << kernel
              << " %\n";
    const auto& current = r.at("current").as_object();
    EXPECT_GE(current.at("processes").to_number<int>(), 1);
    EXPECT_GT(current.at("memoryBytes").to_number<double>(), 0);
    EXPECT_NEAR(
        current.at("machineCpuPercent").to_number<double>() * std::thread::hardware_concurrency(),
        current.at("cpuPercent").to_number<double>(), 0.01);
    EXPECT_TRUE(r.at("running").as_bool());
    EXPECT_EQ(std::string(r.at("mechanism").as_string()), f.mechanism());
    EXPECT_TRUE(r.at("startup").at("spawnMs").is_number());
    f.api.call("POST", "/api/sessions/" + id + "/stop");
    auto ended = f.api.waitEnded(id);
    EXPECT_EQ(exitReason(ended), "stopped");
    // The peaks are stored with the session, by the monitor once it hears of the end (just after
    // the store records the end).
    ASSERT_TRUE(waitUntil([&] {
        return (ended = f.api.session(id)).at("peakCpuPercent").is_number();
    })) << json::serialize(ended);
    EXPECT_GT(ended.at("peakCpuPercent").to_number<double>(), 10);
    EXPECT_GT(ended.at("peakMemoryMb").to_number<double>(), 0);
}

TEST(Resources, SamplesStopWhenTheSessionEnds) {
    Fixture f;
    auto id = std::string(f.start({"sleep", "2"}).at("id").as_string());
    f.api.waitEnded(id);
    // The monitor hears of the end just after the store records it (observers are told then).
    json::object after;
    ASSERT_TRUE(waitUntil([&] { return !(after = f.resources(id)).at("running").as_bool(); }, 10s));
    auto count = after.at("recent").as_array().size();
    std::this_thread::sleep_for(1s);  // four sampling intervals
    EXPECT_EQ(f.resources(id).at("recent").as_array().size(), count);
}

TEST(Resources, PssIsMeasuredOnDemand) {
    Fixture f;
    auto id = std::string(f.start({"sleep", "30"}).at("id").as_string());
    f.waitSamples(id, 1);
    auto res = f.api.call("GET", "/api/sessions/" + id + "/resources?pss=1");
    ASSERT_TRUE(res.at("success").as_bool());
    EXPECT_GT(res.at("data").at("current").at("pssBytes").to_number<double>(), 0);
    f.api.call("POST", "/api/sessions/" + id + "/stop");
}

// ---- limits -----------------------------------------------------------------------------------

void expectMemoryLimitStops(bool cgroups) {
    Fixture f(cgroups);
    auto id = std::string(
        f.start({"python3", "-c", kAllocator}, R"({"memory":"64M"})").at("id").as_string());
    auto ended = f.api.waitEnded(id, 60s);
    EXPECT_EQ(exitReason(ended), "limit:memory") << json::serialize(ended);
    EXPECT_EQ(std::string(ended.at("status").as_string()), "failed");
    // It never got far past its limit (the cgroup holds it; the watchdog samples every 250 ms).
    // On a busy machine the cgroup may end it before its first sample: no peak is known then.
    const json::value& peak = ended.at("peakMemoryMb");
    if (!peak.is_null()) {
        EXPECT_LT(peak.to_number<double>(), cgroups ? 65 : 200);
    }
}

TEST(ResourceLimits, MemoryPastTheLimitIsStoppedThroughTheCgroup) {
    expectMemoryLimitStops(true);
}

TEST(ResourceLimits, MemoryPastTheLimitIsStoppedByTheWatchdog) {
    expectMemoryLimitStops(false);
}

TEST(ResourceLimits, ACpuLimitHoldsABusyLoopNearItsQuotaInACgroup) {
    Fixture f;
    if (f.mechanism() == "proc") GTEST_SKIP() << "no cgroup controllers on this machine";
    auto id =
        std::string(f.start({"sh", "-c", kBusyLoop}, R"({"cpu":"30%"})").at("id").as_string());
    auto r = f.waitSamples(id, 10);
    EXPECT_NEAR(medianCpu(r, 3), 30.0, 15.0) << json::serialize(r);
    EXPECT_EQ(std::string(r.at("limits").at("enforcement").at("cpu").as_string()), "cgroup");
    EXPECT_TRUE(r.at("running").as_bool());  // held, not ended
    f.api.call("POST", "/api/sessions/" + id + "/stop");
    EXPECT_EQ(exitReason(f.api.waitEnded(id)), "stopped");
}

TEST(ResourceLimits, TheWatchdogEndsALoopThatStaysAboveItsCpuLimit) {
    Fixture f(false);
    // 5%: a loop on a machine busy enough to give it less than 30% of a core (ctest -j2 beside
    // two builds did) would never stay above 30% and never be ended.
    auto id = std::string(f.start({"sh", "-c", kBusyLoop}, R"({"cpu":"5%"})").at("id").as_string());
    auto ended = f.api.waitEnded(id, 60s);
    EXPECT_EQ(exitReason(ended), "limit:cpu") << json::serialize(ended);
}

TEST(ResourceLimits, ARunTimeLimitEndsTheSession) {
    Fixture f;
    auto id = std::string(f.start({"sleep", "60"}, R"({"timeout":"2s"})").at("id").as_string());
    auto ended = f.api.waitEnded(id, 30s);
    EXPECT_EQ(exitReason(ended), "limit:timeout");
    EXPECT_EQ(std::string(ended.at("status").as_string()), "failed");
}

/// At most 60 processes however it goes: the bomb is bounded, the limit is what stops it.
constexpr const char* kBoundedForkBomb = "for i in $(seq 1 60); do sleep 60 & done; wait";

void expectPidsLimitStops(bool cgroups) {
    Fixture f(cgroups);
    auto id =
        std::string(f.start({"sh", "-c", kBoundedForkBomb}, R"({"pids":20})").at("id").as_string());
    auto ended = f.api.waitEnded(id, 60s);
    EXPECT_EQ(exitReason(ended), "limit:pids") << json::serialize(ended);
    if (cgroups) {
        // The kernel refused the forks past the limit: no sample ever saw more tasks. (Bind the
        // answer first: a range-for over a temporary's member dangles, STYLE 25.)
        auto resources = f.resources(id);
        for (const auto& s : resources.at("recent").as_array())
            EXPECT_LE(s.at("threads").to_number<int>(), 20);
    }
}

TEST(ResourceLimits, AForkBombMeetsThePidsLimitOfItsCgroup) {
    expectPidsLimitStops(true);
}

TEST(ResourceLimits, AForkBombMeetsThePidsLimitOfTheWatchdog) {
    expectPidsLimitStops(false);
}

TEST(ResourceLimits, TheLimitsAndHowTheyAreHeldAreShown) {
    Fixture f;
    auto id = std::string(
        f.start({"sleep", "30"}, R"({"memory":"1G","cpu":"1.5","timeout":"1h","pids":100})")
            .at("id")
            .as_string());
    auto limits = f.resources(id).at("limits").as_object();
    EXPECT_EQ(limits.at("memoryBytes").to_number<double>(), 1024.0 * 1024 * 1024);
    EXPECT_EQ(limits.at("cpuPercent").to_number<double>(), 150);
    EXPECT_EQ(limits.at("timeoutMs").to_number<double>(), 3600 * 1000);
    EXPECT_EQ(limits.at("pids").to_number<double>(), 100);
    std::string held = f.mechanism() == "proc" ? "watchdog" : "cgroup";
    EXPECT_EQ(std::string(limits.at("enforcement").at("memory").as_string()), held);
    EXPECT_EQ(std::string(limits.at("enforcement").at("timeout").as_string()), "watchdog");
    f.api.call("POST", "/api/sessions/" + id + "/stop");
}

TEST(ResourceLimits, BadLimitsAreRefusedWithTheFieldNamed) {
    Fixture f;
    auto refused = [&](const std::string& limits, const std::string& needle) {
        unsigned status = 0;
        auto res = f.api.call(
            "POST", "/api/workspaces/" + f.workspace + "/sessions",
            R"({"agentType":"command","command":["true"],"limits":)" + limits + "}", &status);
        EXPECT_EQ(status, 400u) << limits;
        auto message = json::serialize(res);
        EXPECT_NE(message.find(needle), std::string::npos) << message;
    };
    refused(R"({"memory":"lots"})", "limits.memory: expected a size");
    refused(R"({"memory":2048})", "limits.memory");
    refused(R"({"cpu":"-5%"})", "limits.cpu: expected a CPU share");
    refused(R"({"timeout":"soon"})", "limits.timeout: expected a duration");
    refused(R"({"pids":0})", "limits.pids: expected a whole number");
    refused(R"({"pids":"many"})", "limits.pids");
    refused(R"({"disk":"1G"})", "limits.disk: unknown limit");
    refused(R"("2G")", "limits: expected an object");
}

TEST(Resources, UnknownSessionsAndBadParametersAreRefused) {
    Fixture f;
    unsigned status = 0;
    f.api.call("GET", "/api/sessions/00000000-0000-4000-8000-000000000000/resources", {}, &status);
    EXPECT_EQ(status, 404u);
    auto id = std::string(f.start({"sleep", "30"}).at("id").as_string());
    f.api.call("GET", "/api/sessions/" + id + "/resources?pss=maybe", {}, &status);
    EXPECT_EQ(status, 400u);
    f.api.call("POST", "/api/sessions/" + id + "/stop");
}

// ---- /metrics ---------------------------------------------------------------------------------

/// A strict check of the text exposition format 0.0.4: HELP and TYPE lines before their samples,
/// metric and label names, quoted and escaped label values, numbers. Returns the problems.
std::vector<std::string> expositionProblems(const std::string& text) {
    static const std::regex help(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*)");
    static const std::regex type(
        R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
    static const std::regex sample(
        R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")*\})? ([-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?|[-+]?Inf|NaN))");
    std::vector<std::string> problems;
    std::set<std::string> typed;
    std::istringstream in(text);
    std::string line;
    if (text.empty() || text.back() != '\n') problems.push_back("must end with a newline");
    while (std::getline(in, line)) {
        std::smatch m;
        if (std::regex_match(line, m, help)) continue;
        if (std::regex_match(line, m, type)) {
            if (!typed.insert(m[1]).second) problems.push_back("TYPE twice: " + line);
            continue;
        }
        if (!std::regex_match(line, m, sample)) {
            problems.push_back("not a sample: " + line);
            continue;
        }
        std::string name = m[1];
        for (const char* suffix : {"_bucket", "_sum", "_count"})
            if (!typed.contains(name) && name.ends_with(suffix))
                name = name.substr(0, name.size() - std::strlen(suffix));
        if (!typed.contains(name)) problems.push_back("sample before its TYPE: " + line);
    }
    return problems;
}

TEST(Metrics, ThePrometheusTextParsesAndHasTheDaemonsAndTheSessionsFigures) {
    Fixture f;
    auto id = std::string(f.start({"sleep", "30"}).at("id").as_string());
    f.waitSamples(id, 2);
    api::HttpClient tcp(f.daemon.tcp());
    auto reply = tcp.get("/metrics", {{"Host", f.daemon.hostHeader()},
                                      {"Authorization", "Bearer " + f.daemon.token()}});
    ASSERT_EQ(reply.status, 200u) << reply.body;
    EXPECT_EQ(reply.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    auto problems = expositionProblems(reply.body);
    EXPECT_TRUE(problems.empty()) << problems.front() << "\n" << reply.body;
    for (const std::string& needle : std::vector<std::string>{
             "parawork_sessions{status=\"running\"} 1\n",
             "parawork_http_requests_total{code=\"2xx\"}",
             "parawork_http_request_duration_seconds_bucket{le=\"+Inf\"}", "parawork_viewers ",
             "parawork_resource_mechanism{mechanism=\"" + f.mechanism() + "\"} 1\n",
             "parawork_session_memory_bytes{session_id=\"" + id + "\",workspace_id=\"" +
                 f.workspace + "\"}"})
        EXPECT_NE(reply.body.find(needle), std::string::npos) << needle << "\n" << reply.body;
    f.api.call("POST", "/api/sessions/" + id + "/stop");
}

TEST(Metrics, NeedTheToken) {
    Fixture f;
    api::HttpClient tcp(f.daemon.tcp());
    auto missing = tcp.get("/metrics", {{"Host", f.daemon.hostHeader()}});
    EXPECT_EQ(missing.status, 401u);
    auto wrong = tcp.get(
        "/metrics", {{"Host", f.daemon.hostHeader()}, {"Authorization", "Bearer not-the-token"}});
    EXPECT_EQ(wrong.status, 403u);
}

TEST(Metrics, TheStrictCheckRejectsMalformedText) {
    EXPECT_FALSE(expositionProblems("a_metric 1\n").empty());  // no TYPE
    EXPECT_FALSE(expositionProblems("# TYPE a gauge\na{b=\"c} 1\n").empty());
    EXPECT_FALSE(expositionProblems("# TYPE a gauge\na one\n").empty());
    EXPECT_FALSE(expositionProblems("# TYPE a gauge\na 1").empty());
    EXPECT_TRUE(expositionProblems("# HELP a x\n# TYPE a gauge\na{b=\"q\\\"\"} 1.5e3\n").empty());
}

// ---- the CLI ----------------------------------------------------------------------------------

ProcessResult cli(const DaemonProcess& daemon, std::vector<std::string> args) {
    std::vector<std::string> argv{parawork(), "--home", daemon.home().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return runProcess(argv, {{"NO_COLOR", "1"}});
}

TEST(ResourcesCli, RunLimitFlagsPsAndLogsSayWhyItEnded) {
    Fixture f;
    auto started = cli(f.daemon, {"--json", "run", "-d", "-w", f.workspace, "--timeout", "1s", "--",
                                  "sleep", "60"});
    ASSERT_EQ(started.exitCode, 0) << started.err;
    auto id = std::string(json::parse(started.out).at("job_id").as_string());
    EXPECT_EQ(exitReason(f.api.waitEnded(id, 30s)), "limit:timeout");
    auto ps = cli(f.daemon, {"ps", "-a"});
    EXPECT_NE(ps.out.find("ran out of time (limit:timeout)"), std::string::npos) << ps.out;
    auto logs = cli(f.daemon, {"logs", id});
    EXPECT_NE(logs.err.find("was stopped: ran out of time (limit:timeout)"), std::string::npos)
        << logs.err;
    auto bad = cli(f.daemon, {"run", "-d", "-w", f.workspace, "--memory", "lots", "--", "true"});
    EXPECT_NE(bad.exitCode, 0);
    EXPECT_NE(bad.err.find("limits.memory: expected a size"), std::string::npos) << bad.err;
}

TEST(ResourcesCli, TopPrintsOneSnapshot) {
    Fixture f;
    auto id = std::string(f.start({"sleep", "30"}).at("id").as_string());
    f.waitSamples(id, 1);
    auto snap = cli(f.daemon, {"--json", "top"});
    ASSERT_EQ(snap.exitCode, 0) << snap.err;
    auto parsed = json::parse(snap.out).as_object();
    EXPECT_EQ(std::string(parsed.at("mechanism").as_string()), f.mechanism());
    const auto& sessions = parsed.at("sessions").as_array();
    ASSERT_EQ(sessions.size(), 1u);
    EXPECT_EQ(std::string(sessions[0].at("id").as_string()), id);
    EXPECT_TRUE(sessions[0].at("resources").at("current").is_object());
    auto table = cli(f.daemon, {"top", "--once"});
    ASSERT_EQ(table.exitCode, 0) << table.err;
    EXPECT_NE(table.out.find("CPU%"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find(id.substr(0, 8)), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("sampled by " + f.mechanism()), std::string::npos) << table.out;
    f.api.call("POST", "/api/sessions/" + id + "/stop");
}

}  // namespace
}  // namespace parawork::test
