// W7: the preview proxy under wrk — through `<port>-<ws>.localhost` to a small upstream running
// in a session, against the same upstream directly and behind nginx (Debian's, one worker,
// upstream keep-alive), alternating in the same run.
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

#include "bench_support.hpp"
#include "support/session_api.hpp"
#include "unit_support/temp_dir.hpp"
#include "workload.hpp"

namespace parawork::bench {
namespace {

Result run(const RunOptions& options) {
    test::DaemonProcess daemon(test::DaemonProcess::Options{.extraArgs = {"--log-level", "warn"}});
    test::SessionApi api(daemon);
    test::TempDir workspaceDir("pw-w7");  // not /tmp: its files would be watched meanwhile
    auto ws = api.createWorkspace(workspaceDir.path().string());
    auto self = std::filesystem::read_symlink("/proc/self/exe").string();
    auto session = api.start(ws, {"sh", "-c", "exec \"$0\" --serve-http \"$PORT\"", self});
    std::string id(session.at("id").as_string());
    std::uint16_t upstream = 0;
    for (int i = 0; i < 200 && !upstream; ++i) {
        auto ports = api.call("GET", "/api/sessions/" + id + "/ports");
        for (const auto& p : ports.at("data").as_array())
            if (p.at("state").as_string() == "listening")
                upstream = static_cast<std::uint16_t>(p.at("port").as_int64());
        if (!upstream) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!upstream) throw std::runtime_error("the upstream never listened");
    test::TempDir nginxDir("pw-nginx");
    test::Nginx nginx(nginxAnchor(nginxDir.path(), upstream));

    auto previewHost = std::to_string(upstream) + "-" + ws.substr(0, 8) +
                       ".localhost:" + std::to_string(daemon.tcp().port);
    int seconds = options.quick ? 1 : 3;
    auto wrk = [&](const std::string& url, const std::string& host) {
        std::vector<std::string> args{"-t2", "-c8", "-d" + std::to_string(seconds) + "s"};
        if (!host.empty()) args.insert(args.end(), {"-H", "Host: " + host});
        args.push_back(url);
        return runWrk(args);
    };
    std::vector<double> proxyRates, proxyP99, directRates, directP99, nginxRates, nginxP99;
    for (int i = 0; i < options.repetitions; ++i) {
        checkInterrupted();
        auto direct = wrk("http://127.0.0.1:" + std::to_string(upstream) + "/", "");
        auto ours = wrk("http://127.0.0.1:" + std::to_string(daemon.tcp().port) + "/", previewHost);
        auto reference = wrk("http://127.0.0.1:" + std::to_string(nginx.port()) + "/", "");
        directRates.push_back(direct.requestsPerSecond);
        directP99.push_back(direct.p99Ms);
        proxyRates.push_back(ours.requestsPerSecond);
        proxyP99.push_back(ours.p99Ms);
        nginxRates.push_back(reference.requestsPerSecond);
        nginxP99.push_back(reference.p99Ms);
    }
    Result r;
    r.id = "W7";
    r.workload = "preview proxy, wrk -c8 to a small upstream";
    r.unit = "req/s";
    r.ours = median(proxyRates);
    r.anchor = median(nginxRates);
    r.anchorName = "nginx reverse proxy";
    r.target = ">= nginx; added p99 <= 1 ms";
    double added = median(proxyP99) - median(directP99);
    r.holds = r.ours >= *r.anchor && added <= 1.0;
    char note[256];
    std::snprintf(note, sizeof note,
                  "direct %.0f req/s p99 %.2f ms; proxy p99 %.2f ms (added %.2f ms); nginx p99 "
                  "%.2f ms; %d s per run",
                  median(directRates), median(directP99), median(proxyP99), added, median(nginxP99),
                  seconds);
    r.note = note;
    return r;
}

Register registration("W7", run);

}  // namespace
}  // namespace parawork::bench
