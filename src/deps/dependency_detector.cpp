#include "deps/dependency_detector.hpp"

#include <algorithm>
#include <deque>
#include <set>

#include "deps/install_state.hpp"
#include "deps/version_hints.hpp"

namespace parawork::deps {
namespace {

namespace fs = std::filesystem;

/// Installed trees, caches and build output: never where a project's own manifest lives.
const std::set<std::string, std::less<>> kSkippedDirectories = {
    "node_modules", "venv", "target",      "vendor",           "dist",          "build",
    "_build",       "obj",  "__pycache__", "bower_components", "site-packages", "vcpkg_installed"};

struct PendingDir {
    ProjectDir dir;
    std::size_t depth = 0;
};

/// The subdirectories worth looking into, sorted by name so that reports are stable.
std::vector<fs::path> subdirectories(const fs::path& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code typeEc;
        if (!it->is_directory(typeEc) || it->is_symlink(typeEc)) continue;
        auto name = it->path().filename().string();
        if (name.starts_with('.') || kSkippedDirectories.contains(name)) continue;
        out.push_back(it->path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

void addTools(const DependencyReport& report, const fs::path& root, const DetectOptions& options,
              ToolVersions& tools, std::vector<ToolStatus>& out) {
    std::vector<std::string> names;
    for (const auto& project : report.projects)
        for (const auto& tool : project.tools)
            if (std::find(names.begin(), names.end(), tool) == names.end()) names.push_back(tool);
    names.emplace_back("git");  // every workspace is a worktree
    auto hints = readVersionHints(root);
    for (const auto& name : names) {
        if (std::any_of(out.begin(), out.end(),
                        [&](const ToolStatus& t) { return t.name == name; }))
            continue;
        ToolStatus status = tools.probe(name, options.pathVariable);
        if (auto hint = hints.find(name); hint != hints.end()) {
            status.hint = hint->second;
            if (status.version)
                status.satisfied = versionSatisfies(*status.version, hint->second.wanted);
        }
        out.push_back(std::move(status));
    }
}

}  // namespace

std::string ProjectDir::file(const std::string& name) const {
    return relative == "." ? name : relative + "/" + name;
}

DependencyReport detectDependencies(const fs::path& root, const DetectOptions& options,
                                    ToolVersions& tools) {
    DependencyReport report;
    std::deque<PendingDir> pending{{ProjectDir{root, ".", false}, 0}};
    std::size_t visited = 0;
    while (!pending.empty()) {
        if (visited == options.maxDirectories || report.projects.size() >= options.maxProjects) {
            report.truncated = true;
            break;
        }
        PendingDir next = std::move(pending.front());
        pending.pop_front();
        ++visited;
        const ProjectDir& dir = next.dir;
        for (auto found : {detectNodeProjects(dir), detectPythonProjects(dir),
                           detectOtherProjects(dir, options.caches)})
            for (auto& project : found) report.projects.push_back(std::move(project));
        if (next.depth == options.maxDepth) continue;
        bool nodeWorkspace = dir.insideNodeWorkspace || isNodeWorkspaceRoot(dir.path);
        for (const auto& child : subdirectories(dir.path)) {
            ProjectDir sub{child, dir.file(child.filename().string()), nodeWorkspace};
            pending.push_back({std::move(sub), next.depth + 1});
        }
    }
    if (report.projects.size() > options.maxProjects) report.projects.resize(options.maxProjects);
    addTools(report, root, options, tools, report.tools);
    return report;
}

CacheDirs cacheDirsFrom(const std::function<std::optional<std::string>(const std::string&)>& env) {
    auto get = [&](const std::string& name) -> std::optional<fs::path> {
        auto value = env(name);
        if (!value || value->empty()) return std::nullopt;
        return fs::path(*value);
    };
    fs::path home = get("HOME").value_or("/");
    CacheDirs dirs;
    if (auto cache = get("GOMODCACHE"))
        dirs.goModCache = *cache;
    else if (auto gopath = get("GOPATH"))  // GOPATH may list several: the first one is used
        dirs.goModCache =
            fs::path(gopath->string().substr(0, gopath->string().find(':'))) / "pkg/mod";
    else
        dirs.goModCache = home / "go/pkg/mod";
    dirs.cargoHome = get("CARGO_HOME").value_or(home / ".cargo");
    dirs.mavenRepository = home / ".m2/repository";
    dirs.gradleHome = get("GRADLE_USER_HOME").value_or(home / ".gradle");
    return dirs;
}

}  // namespace parawork::deps
