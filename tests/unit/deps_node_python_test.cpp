// Node and Python projects: the package manager chosen, the lockfile, and the install state
// (missing, installed, stale, unknown) from real files in a temporary workspace.
#include <gtest/gtest.h>

#include "deps/dependency_detector.hpp"
#include "deps_fixture.hpp"

namespace parawork::deps {
namespace {

using namespace std::chrono_literals;
using fixture::Workspace;

using fixture::detect;
using fixture::only;

TEST(DepsNode, ManifestWithoutLockfileIsMissingWithNpmInstall) {
    Workspace ws;
    ws.write("package.json", R"({"name":"app"})");
    auto report = detect(ws);
    const auto& p = only(report);
    EXPECT_EQ(p.ecosystem, "npm");
    EXPECT_EQ(p.language, "node");
    EXPECT_EQ(p.directory, ".");
    EXPECT_EQ(p.manifest, "package.json");
    EXPECT_FALSE(p.lockfile);
    EXPECT_EQ(p.state, InstallState::Missing);
    EXPECT_EQ(p.reason, "node_modules does not exist");
    EXPECT_EQ(p.installCommand, "npm install");
    EXPECT_EQ(overallStateName(report), "missing");
}

TEST(DepsNode, LockfileMeansNpmCi) {
    Workspace ws;
    ws.write("package.json", "{}");
    ws.write("package-lock.json", "{}");
    auto p = only(detect(ws));
    EXPECT_EQ(p.lockfile, "package-lock.json");
    EXPECT_EQ(p.installCommand, "npm ci");
    EXPECT_EQ(p.state, InstallState::Missing);
}

TEST(DepsNode, HiddenLockfileNewerThanLockfileIsInstalled) {
    Workspace ws;
    ws.write("package.json", "{}", 100s);
    ws.write("package-lock.json", "{}", 100s);
    ws.write("node_modules/.package-lock.json", "{}", 10s);
    auto report = detect(ws);
    EXPECT_EQ(only(report).state, InstallState::Installed);
    EXPECT_EQ(overallStateName(report), "installed");
}

TEST(DepsNode, LockfileNewerThanInstalledTreeIsStale) {
    Workspace ws;
    ws.write("package.json", "{}", 100s);
    ws.write("node_modules/.package-lock.json", "{}", 50s);
    ws.write("package-lock.json", "{}", 10s);
    auto p = only(detect(ws));
    EXPECT_EQ(p.state, InstallState::Stale);
    EXPECT_EQ(p.reason, "package-lock.json is newer than node_modules/.package-lock.json");
}

TEST(DepsNode, NodeModulesWithoutNpmRecordIsUnknown) {
    Workspace ws;
    ws.write("package.json", "{}");
    ws.mkdir("node_modules/left-pad");
    EXPECT_EQ(only(detect(ws)).state, InstallState::Unknown);
}

TEST(DepsNode, PnpmLockfileChoosesPnpm) {
    Workspace ws;
    ws.write("package.json", "{}", 100s);
    ws.write("pnpm-lock.yaml", "", 100s);
    auto missing = only(detect(ws));
    EXPECT_EQ(missing.ecosystem, "pnpm");
    EXPECT_EQ(missing.installCommand, "pnpm install --frozen-lockfile");
    EXPECT_EQ(missing.state, InstallState::Missing);
    EXPECT_EQ(missing.tools, (std::vector<std::string>{"node", "pnpm"}));
    ws.write("node_modules/.modules.yaml", "", 10s);
    EXPECT_EQ(only(detect(ws)).state, InstallState::Installed);
    ws.write("pnpm-lock.yaml", "", 1s);
    EXPECT_EQ(only(detect(ws)).state, InstallState::Stale);
}

TEST(DepsNode, PackageManagerFieldWinsOverLockfiles) {
    Workspace ws;
    ws.write("package.json", R"({"packageManager":"yarn@1.22.19"})");
    ws.write("package-lock.json", "{}");
    auto p = only(detect(ws));
    EXPECT_EQ(p.ecosystem, "yarn");
    EXPECT_FALSE(p.lockfile);  // yarn's lockfile is yarn.lock
    EXPECT_EQ(p.installCommand, "yarn install");
}

TEST(DepsNode, YarnClassicAndBerryRecords) {
    Workspace classic;
    classic.write("package.json", "{}", 100s);
    classic.write("yarn.lock", "", 100s);
    classic.write("node_modules/.yarn-integrity", "", 10s);
    auto c = only(detect(classic));
    EXPECT_EQ(c.installCommand, "yarn install --frozen-lockfile");
    EXPECT_EQ(c.state, InstallState::Installed);

    Workspace berry;
    berry.write("package.json", "{}", 100s);
    berry.write("yarn.lock", "", 100s);
    berry.write(".yarnrc.yml", "nodeLinker: pnp", 100s);
    auto b = only(detect(berry));
    EXPECT_EQ(b.installCommand, "yarn install --immutable");
    EXPECT_EQ(b.state, InstallState::Missing);
    EXPECT_EQ(b.reason, ".yarn/install-state.gz does not exist");
}

TEST(DepsNode, BunLockfile) {
    Workspace ws;
    ws.write("package.json", "{}", 100s);
    ws.write("bun.lockb", "", 100s);
    auto p = only(detect(ws));
    EXPECT_EQ(p.ecosystem, "bun");
    EXPECT_EQ(p.lockfile, "bun.lockb");
    EXPECT_EQ(p.tools, std::vector<std::string>{"bun"});
    EXPECT_EQ(p.state, InstallState::Missing);
    ws.mkdir("node_modules", 10s);
    EXPECT_EQ(only(detect(ws)).state, InstallState::Installed);
}

TEST(DepsNode, InvalidPackageJsonIsUnknownWithAReason) {
    Workspace ws;
    ws.write("package.json", "{not json");
    auto p = only(detect(ws));
    EXPECT_EQ(p.state, InstallState::Unknown);
    EXPECT_EQ(p.reason, "package.json is not valid JSON");
}

TEST(DepsPython, RequirementsWithoutVenvIsMissing) {
    Workspace ws;
    ws.write("requirements.txt", "requests\n");
    auto p = only(detect(ws));
    EXPECT_EQ(p.ecosystem, "pip");
    EXPECT_EQ(p.language, "python");
    EXPECT_EQ(p.manifest, "requirements.txt");
    EXPECT_EQ(p.state, InstallState::Missing);
    EXPECT_EQ(p.reason, "no virtual environment (.venv or venv)");
    EXPECT_EQ(p.installCommand,
              "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt");
}

TEST(DepsPython, VenvSitePackagesIsTheStamp) {
    Workspace ws;
    ws.write("requirements-dev.txt", "pytest\n", 100s);
    ws.mkdir(".venv/lib/python3.11/site-packages", 10s);
    auto p = only(detect(ws));
    EXPECT_EQ(p.manifest, "requirements-dev.txt");
    EXPECT_EQ(p.state, InstallState::Installed);
    ws.write("requirements-dev.txt", "pytest\nblack\n", 1s);
    p = only(detect(ws));
    EXPECT_EQ(p.state, InstallState::Stale);
    EXPECT_EQ(p.reason, "requirements-dev.txt is newer than .venv/lib/python3.11/site-packages");
}

TEST(DepsPython, RequirementsFilesWithShellCharactersAreNotNamedInCommands) {
    Workspace ws;
    ws.write("requirements;touch pwned;.txt", "");
    EXPECT_TRUE(detect(ws).projects.empty());
    ws.write("requirements-b.txt", "");
    ws.write("requirements-a.txt", "");
    EXPECT_EQ(only(detect(ws)).manifest, "requirements-a.txt");
}

TEST(DepsPython, UvLock) {
    Workspace ws;
    ws.write("pyproject.toml", "[project]\nname='x'\n", 100s);
    ws.write("uv.lock", "", 100s);
    auto p = only(detect(ws));
    EXPECT_EQ(p.ecosystem, "uv");
    EXPECT_EQ(p.lockfile, "uv.lock");
    EXPECT_EQ(p.installCommand, "uv sync --frozen");
    EXPECT_EQ(p.tools, std::vector<std::string>{"uv"});
    EXPECT_EQ(p.state, InstallState::Missing);
    ws.mkdir(".venv/lib/python3.12/site-packages", 10s);
    EXPECT_EQ(only(detect(ws)).state, InstallState::Installed);
}

TEST(DepsPython, PoetryWithoutInProjectVenvIsUnknown) {
    Workspace ws;
    ws.write("pyproject.toml", "[tool.poetry]\nname='x'\n");
    ws.write("poetry.lock", "");
    auto p = only(detect(ws));
    EXPECT_EQ(p.ecosystem, "poetry");
    EXPECT_EQ(p.installCommand, "poetry install");
    EXPECT_EQ(p.state, InstallState::Unknown);
}

TEST(DepsPython, PyprojectToolTableChoosesTheTool) {
    Workspace ws;
    ws.write("pyproject.toml", "[project]\nname='x'\n\n[tool.poetry.dependencies]\n");
    EXPECT_EQ(only(detect(ws)).ecosystem, "poetry");
}

TEST(DepsPython, PlainPyprojectInstallsEditable) {
    Workspace ws;
    ws.write("pyproject.toml", "[project]\nname='x'\n# [tool.poetry] in a comment\n");
    auto p = only(detect(ws));
    EXPECT_EQ(p.ecosystem, "pip");
    EXPECT_EQ(p.installCommand, "python3 -m venv .venv && .venv/bin/pip install -e .");
}

TEST(DepsPython, PipenvSyncsItsLockfile) {
    Workspace ws;
    ws.write("Pipfile", "", 100s);
    ws.write("Pipfile.lock", "{}", 100s);
    auto p = only(detect(ws));
    EXPECT_EQ(p.ecosystem, "pipenv");
    EXPECT_EQ(p.lockfile, "Pipfile.lock");
    EXPECT_EQ(p.installCommand, "pipenv sync");
    EXPECT_EQ(p.state, InstallState::Unknown);
    ws.mkdir(".venv/lib/python3.11/site-packages", 10s);
    EXPECT_EQ(only(detect(ws)).state, InstallState::Installed);
}

TEST(DepsPython, NoManifestNoProject) {
    Workspace ws;
    ws.write("main.py", "print(1)\n");
    auto report = detect(ws);
    EXPECT_TRUE(report.projects.empty());
    EXPECT_EQ(overallStateName(report), "none");
}

}  // namespace
}  // namespace parawork::deps
