// The benchmark runner: runs the selected workloads, prints one table, writes JSON.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>

#include <boost/json/serialize.hpp>

#include "bench_support.hpp"
#include "upstream_http.hpp"
#include "workload.hpp"

namespace parawork::bench {

std::vector<Workload>& registry() {
    static std::vector<Workload> workloads;
    return workloads;
}

double median(std::vector<double> v) {
    return percentile(std::move(v), 50);
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    auto index = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(index, v.size() - 1)];
}

}  // namespace parawork::bench

int main(int argc, char** argv) {
    using namespace parawork::bench;
    // W7 runs this very binary inside a session as its upstream server.
    if (argc == 3 && !std::strcmp(argv[1], "--serve-http"))
        return serveHttp(static_cast<std::uint16_t>(std::atoi(argv[2])));
    RunOptions options;
    std::string out = "bench/results/latest.json";
    std::vector<std::string> only;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--reps") && i + 1 < argc)
            options.repetitions = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--quick"))
            options.quick = true;
        else if (!std::strcmp(argv[i], "--out") && i + 1 < argc)
            out = argv[++i];
        else
            only.emplace_back(argv[i]);
    }
    // Stable: a workload may register several rows under one id (W15), kept in their order.
    std::stable_sort(registry().begin(), registry().end(),
                     [](const Workload& a, const Workload& b) {
                         return std::stoi(a.id.substr(1)) < std::stoi(b.id.substr(1));
                     });
    installInterruptHandler();
    boost::json::array results;
    // Machines here are shared: say how busy this one was when the run began.
    if (double load[3]; ::getloadavg(load, 3) == 3)
        std::printf("load average %.2f %.2f %.2f on %ld CPUs%s\n", load[0], load[1], load[2],
                    ::sysconf(_SC_NPROCESSORS_ONLN), options.quick ? "; --quick" : "");
    std::printf("%-4s %-52s %14s %14s %7s %-28s %s\n", "id", "workload", "ours", "anchor", "ratio",
                "target", "holds");
    std::fflush(stdout);
    for (const auto& w : registry()) {
        if (!only.empty() && std::find(only.begin(), only.end(), w.id) == only.end()) continue;
        if (interrupted()) break;
        Result r;
        try {
            options.repetitions = std::max(options.repetitions, 5);
            r = w.run(options);
        } catch (const std::exception& e) {
            std::string error = interrupted() ? "interrupted" : e.what();
            std::printf("%-4s failed: %s\n", w.id.c_str(), error.c_str());
            std::fflush(stdout);
            results.push_back(boost::json::object{{"id", w.id}, {"error", error}});
            continue;
        }
        char ours[64], anchor[64] = "-", ratio[16] = "-";
        std::snprintf(ours, sizeof ours, "%.2f %s", r.ours, r.unit.c_str());
        if (r.anchor) {
            std::snprintf(anchor, sizeof anchor, "%.2f %s", *r.anchor, r.unit.c_str());
            std::snprintf(ratio, sizeof ratio, "%.2f", *r.anchor ? r.ours / *r.anchor : 0.0);
        }
        std::printf("%-4s %-52s %14s %14s %7s %-28s %s\n", r.id.c_str(), r.workload.c_str(), ours,
                    anchor, ratio, r.target.c_str(), r.holds ? "yes" : "NO");
        if (r.oursP99) std::printf("     ours p99: %.2f %s\n", *r.oursP99, r.unit.c_str());
        // The 1-minute load when the workload ended: on a shared VM, neighbours' load changes
        // wake-up latencies, and with them every ping-pong figure (W2, W3, W6).
        double load = -1;
        ::getloadavg(&load, 1);
        std::printf("     %s%sload %.2f at the end\n", r.note.c_str(), r.note.empty() ? "" : "; ",
                    load);
        std::fflush(stdout);  // rows appear as workloads finish, also through a pipe
        boost::json::object o{{"id", r.id},     {"workload", r.workload}, {"unit", r.unit},
                              {"ours", r.ours}, {"target", r.target},     {"holds", r.holds},
                              {"note", r.note}};
        if (r.oursP99) o["oursP99"] = *r.oursP99;
        o["loadAverage"] = load;
        if (r.anchor) o["anchor"] = *r.anchor, o["anchorName"] = r.anchorName;
        results.push_back(std::move(o));
    }
    std::ofstream(out) << boost::json::serialize(results) << "\n";
    return 0;
}
