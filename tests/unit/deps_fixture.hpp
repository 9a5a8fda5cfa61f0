// Shared by the deps room's tests: a temporary workspace in which a test writes manifests,
// lockfiles and installed trees, with file times it controls (a stale lockfile is a lockfile
// whose time is later than the installed tree's record).
#pragma once

#include <stdlib.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "deps/dependency_detector.hpp"
#include "unit_support/temp_dir.hpp"

namespace parawork::deps::fixture {

class Workspace {
  public:
    const std::filesystem::path& root() const { return dir_.path(); }

    /// Writes `relative` (making its directories) and dates it `age` ago, so tests order files
    /// in time without sleeping.
    std::filesystem::path write(const std::string& relative, const std::string& text = "",
                                std::chrono::seconds age = std::chrono::seconds(100)) {
        auto path = root() / relative;
        std::filesystem::create_directories(path.parent_path());
        std::ofstream(path) << text;
        age_(path, age);
        return path;
    }
    std::filesystem::path mkdir(const std::string& relative,
                                std::chrono::seconds age = std::chrono::seconds(100)) {
        auto path = root() / relative;
        std::filesystem::create_directories(path);
        age_(path, age);
        return path;
    }
    /// An executable shell script (a fake tool).
    std::filesystem::path script(const std::string& relative, const std::string& body) {
        auto path = write(relative, "#!/bin/sh\n" + body + "\n");
        std::filesystem::permissions(path, std::filesystem::perms::owner_all);
        return path;
    }
    /// Dates an existing file or directory `age` ago.
    void age(const std::string& relative, std::chrono::seconds age) {
        age_(root() / relative, age);
    }

  private:
    static void age_(const std::filesystem::path& path, std::chrono::seconds age) {
        std::filesystem::last_write_time(path, std::filesystem::file_time_type::clock::now() - age);
    }
    test::TempDir dir_{"pw-deps"};
};

/// The workspace's report with no tools on PATH and HOME at <root>/home (where a test may put
/// package caches).
inline DependencyReport detect(const Workspace& ws, DetectOptions options = {}) {
    ToolVersions tools;
    options.pathVariable = (ws.root() / "no-such-bin").string();
    options.caches = cacheDirsFrom([&](const std::string& name) -> std::optional<std::string> {
        if (name == "HOME") return (ws.root() / "home").string();
        return std::nullopt;
    });
    return detectDependencies(ws.root(), options, tools);
}

/// The report's one project (a failure when there are others or none).
inline const Project& only(const DependencyReport& report) {
    EXPECT_EQ(report.projects.size(), 1u);
    if (report.projects.empty()) throw std::runtime_error("no project");
    return report.projects.front();
}

}  // namespace parawork::deps::fixture
