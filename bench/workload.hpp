// A benchmark workload of BENCHMARKS.md: it runs our figure and its anchor alternately, at least
// five times each, in the same run, and reports medians — never a timed assertion in a test.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace parawork::bench {

struct Result {
    std::string id;        ///< "W5"
    std::string workload;  ///< one line
    std::string unit;      ///< "ms", "MB/s", ...
    double ours = 0;       ///< median
    std::optional<double> oursP99;
    std::optional<double> anchor;  ///< median of the anchor, when the workload has one
    std::string anchorName;
    std::string target;  ///< as written in BENCHMARKS.md
    bool holds = false;
    std::string note;
};

/// How the runner was asked to run.
struct RunOptions {
    int repetitions = 7;  ///< at least 5
    /// `--quick`: heavy workloads shrink their data or duration (and say so in their note).
    bool quick = false;
};

struct Workload {
    std::string id;
    std::function<Result(const RunOptions&)> run;
};

/// Every workload registers itself here.
std::vector<Workload>& registry();
struct Register {
    Register(std::string id, std::function<Result(const RunOptions&)> run) {
        registry().push_back({std::move(id), std::move(run)});
    }
};

double median(std::vector<double> values);
double percentile(std::vector<double> values, double p);

/// Each repetition's p50 and p99 of a latency, for the medians over repetitions (W3, W15).
struct Latencies {
    std::vector<double> p50, p99;
    void add(std::vector<double> samples) {
        p50.push_back(median(samples));
        p99.push_back(percentile(std::move(samples), 99));
    }
};

}  // namespace parawork::bench
