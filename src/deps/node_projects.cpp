// Node projects: the package manager is chosen as Railpack does (platform-notes "Dependencies"):
// the packageManager field, then pnpm-lock.yaml, bun.lock[b], .yarnrc.yml (Yarn 2+), yarn.lock,
// else npm. Each manager leaves its own record of what it installed in node_modules.
#include <boost/json/parse.hpp>

#include "deps/install_state.hpp"
#include "deps/project_detectors.hpp"

namespace parawork::deps {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::optional<json::object> readPackageJson(const fs::path& dir) {
    auto text = readSmallFile(dir / "package.json");
    if (!text) return std::nullopt;
    boost::system::error_code ec;
    auto value = json::parse(*text, ec);
    if (ec || !value.is_object()) return std::nullopt;
    return value.as_object();
}

/// "pnpm@8.6.0" -> "pnpm"; "" when the field is absent or names no known manager.
std::string declaredManager(const std::optional<json::object>& manifest) {
    if (!manifest) return "";
    const auto* field = manifest->if_contains("packageManager");
    if (!field || !field->is_string()) return "";
    std::string_view text = field->as_string();
    std::string name(text.substr(0, text.find('@')));
    for (const char* known : {"npm", "pnpm", "yarn", "bun"})
        if (name == known) return name;
    return "";
}

std::string chooseManager(const fs::path& dir, const std::optional<json::object>& manifest) {
    if (auto declared = declaredManager(manifest); !declared.empty()) return declared;
    if (isFile(dir / "pnpm-lock.yaml")) return "pnpm";
    if (isFile(dir / "bun.lockb") || isFile(dir / "bun.lock")) return "bun";
    if (isFile(dir / ".yarnrc.yml") || isFile(dir / "yarn.lock")) return "yarn";
    return "npm";
}

void judge(Project& project, const StampCheck& check) {
    auto verdict = stampState(check);
    project.state = verdict.state;
    project.reason = verdict.reason;
}

void detectNpm(const fs::path& dir, Project& p, std::optional<std::string> lock) {
    p.tools = {"node", "npm"};
    p.installCommand = lock && *lock == "package-lock.json" ? "npm ci" : "npm install";
    if (!isDirectory(dir / "node_modules")) {
        p.state = InstallState::Missing;
        p.reason = "node_modules does not exist";
        return;
    }
    // npm ≥ 7 rewrites this hidden lockfile on every install.
    std::vector<std::string> sources{"package.json"};
    if (lock) sources.push_back(*lock);
    judge(p, {dir, sources, "node_modules/.package-lock.json"});
    if (p.state == InstallState::Missing) {
        p.state = InstallState::Unknown;
        p.reason = "node_modules has no .package-lock.json (installed by npm < 7 or by hand)";
    }
}

void detectPnpm(const fs::path& dir, Project& p, const std::optional<std::string>& lock) {
    p.tools = {"node", "pnpm"};
    p.installCommand = lock ? "pnpm install --frozen-lockfile" : "pnpm install";
    std::string record = isFile(dir / "node_modules/.pnpm/lock.yaml")
                             ? "node_modules/.pnpm/lock.yaml"
                             : "node_modules/.modules.yaml";
    std::vector<std::string> sources{"package.json"};
    if (lock) sources.push_back(*lock);
    judge(p, {dir, sources, record});
}

void detectYarn(const fs::path& dir, Project& p, const std::optional<std::string>& lock) {
    p.tools = {"node", "yarn"};
    bool berry = isFile(dir / ".yarnrc.yml");
    if (berry)
        p.installCommand = lock ? "yarn install --immutable" : "yarn install";
    else
        p.installCommand = lock ? "yarn install --frozen-lockfile" : "yarn install";
    std::vector<std::string> sources{"package.json"};
    if (lock) sources.push_back(*lock);
    judge(p, {dir, sources, berry ? ".yarn/install-state.gz" : "node_modules/.yarn-integrity"});
}

void detectBun(const fs::path& dir, Project& p, const std::optional<std::string>& lock) {
    p.tools = {"bun"};
    p.installCommand = lock ? "bun install --frozen-lockfile" : "bun install";
    std::vector<std::string> sources{"package.json"};
    if (lock) sources.push_back(*lock);
    // bun keeps no record file: node_modules itself is the stamp.
    judge(p, {dir, sources, "node_modules"});
}

}  // namespace

bool isNodeWorkspaceRoot(const fs::path& dir) {
    if (isFile(dir / "pnpm-workspace.yaml")) return true;
    auto manifest = readPackageJson(dir);
    return manifest && manifest->contains("workspaces");
}

std::vector<Project> detectNodeProjects(const ProjectDir& dir) {
    if (!isFile(dir.path / "package.json") || dir.insideNodeWorkspace) return {};
    auto manifest = readPackageJson(dir.path);
    Project p;
    p.language = "node";
    p.ecosystem = chooseManager(dir.path, manifest);
    p.directory = dir.relative;
    p.manifest = dir.file("package.json");
    std::optional<std::string> lock;
    if (p.ecosystem == "npm") {
        lock = firstFile(dir.path, {"package-lock.json", "npm-shrinkwrap.json"});
        detectNpm(dir.path, p, lock);
    } else if (p.ecosystem == "pnpm") {
        lock = firstFile(dir.path, {"pnpm-lock.yaml"});
        detectPnpm(dir.path, p, lock);
    } else if (p.ecosystem == "yarn") {
        lock = firstFile(dir.path, {"yarn.lock"});
        detectYarn(dir.path, p, lock);
    } else {
        lock = firstFile(dir.path, {"bun.lock", "bun.lockb"});
        detectBun(dir.path, p, lock);
    }
    if (lock) p.lockfile = dir.file(*lock);
    if (!manifest) {
        p.state = InstallState::Unknown;
        p.reason = "package.json is not valid JSON";
    }
    return {p};
}

}  // namespace parawork::deps
