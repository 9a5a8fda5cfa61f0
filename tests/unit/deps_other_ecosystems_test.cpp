// Go, Cargo, Bundler, Maven, Gradle, Composer, Conan, vcpkg, Mix and .NET projects, and the
// bounded walk over a monorepo.
#include <gtest/gtest.h>

#include "deps/dependency_detector.hpp"
#include "deps_fixture.hpp"

namespace parawork::deps {
namespace {

using namespace std::chrono_literals;
using fixture::Workspace;

using fixture::detect;
using fixture::only;

TEST(DepsGo, ModuleWithoutRequirementsIsInstalled) {
    Workspace ws;
    ws.write("go.mod", "module example.com/app\n\ngo 1.21\n");
    auto p = only(detect(ws));
    EXPECT_EQ(p.ecosystem, "go");
    EXPECT_EQ(p.state, InstallState::Installed);
    EXPECT_EQ(p.installCommand, "go mod download");
}

TEST(DepsGo, ModulesAreLookedUpInTheModuleCache) {
    Workspace ws;
    ws.write("go.mod", "module example.com/app\nrequire github.com/BurntSushi/toml v1.3.2\n");
    ws.write("go.sum",
             "github.com/BurntSushi/toml v1.3.2 h1:abc=\n"
             "github.com/BurntSushi/toml v1.3.2/go.mod h1:def=\n");
    auto p = only(detect(ws));
    EXPECT_EQ(p.lockfile, "go.sum");
    EXPECT_EQ(p.state, InstallState::Missing);
    EXPECT_NE(p.reason.find("does not exist"), std::string::npos) << p.reason;

    ws.mkdir("home/go/pkg/mod/cache/download");
    p = only(detect(ws));
    EXPECT_EQ(p.state, InstallState::Missing);
    EXPECT_NE(p.reason.find("1 of 1 modules are not in"), std::string::npos) << p.reason;

    // The cache spells upper-case letters as '!' + lower case.
    ws.write("home/go/pkg/mod/cache/download/github.com/!burnt!sushi/toml/@v/v1.3.2.zip");
    p = only(detect(ws));
    EXPECT_EQ(p.state, InstallState::Installed) << p.reason;
}

TEST(DepsGo, VendorDirectoryIsStamped) {
    Workspace ws;
    ws.write("go.mod", "module x\nrequire a.b/c v1.0.0\n", 100s);
    ws.write("go.sum", "a.b/c v1.0.0 h1:x=\n", 100s);
    ws.write("vendor/modules.txt", "", 10s);
    auto p = only(detect(ws));
    EXPECT_EQ(p.state, InstallState::Installed);
    EXPECT_EQ(p.installCommand, "go mod vendor");
    ws.write("go.sum", "a.b/c v1.0.1 h1:x=\n", 1s);
    EXPECT_EQ(only(detect(ws)).state, InstallState::Stale);
}

TEST(DepsCargo, RegistryPresenceIsAllAFileCheckCanTell) {
    Workspace ws;
    ws.write("Cargo.toml", "[package]\nname='x'\n");
    ws.write("Cargo.lock", "");
    auto p = only(detect(ws));
    EXPECT_EQ(p.ecosystem, "cargo");
    EXPECT_EQ(p.lockfile, "Cargo.lock");
    EXPECT_EQ(p.state, InstallState::Missing);
    ws.mkdir("home/.cargo/registry");
    p = only(detect(ws));
    EXPECT_EQ(p.state, InstallState::Unknown);
    EXPECT_NE(p.reason.find("cargo fetch --locked"), std::string::npos);
}

TEST(DepsBundler, VendorBundleIsStamped) {
    Workspace ws;
    ws.write("Gemfile", "", 100s);
    ws.write("Gemfile.lock", "", 100s);
    EXPECT_EQ(only(detect(ws)).state, InstallState::Unknown);
    ws.mkdir("vendor/bundle", 10s);
    auto p = only(detect(ws));
    EXPECT_EQ(p.state, InstallState::Installed);
    EXPECT_EQ(p.installCommand, "bundle install");
    EXPECT_EQ(p.tools, (std::vector<std::string>{"ruby", "bundle"}));
}

TEST(DepsJava, MavenWrapperAndGradle) {
    Workspace ws;
    ws.write("pom.xml", "<project/>");
    ws.write("mvnw", "");
    ws.write("build.gradle.kts", "");
    ws.write("gradlew", "");
    auto report = detect(ws);
    ASSERT_EQ(report.projects.size(), 2u);
    const auto& maven = report.projects[0];
    EXPECT_EQ(maven.ecosystem, "maven");
    EXPECT_EQ(maven.installCommand, "./mvnw dependency:go-offline");
    EXPECT_EQ(maven.tools, std::vector<std::string>{"java"});
    EXPECT_EQ(maven.state, InstallState::Missing);
    const auto& gradle = report.projects[1];
    EXPECT_EQ(gradle.ecosystem, "gradle");
    EXPECT_EQ(gradle.manifest, "build.gradle.kts");
    EXPECT_EQ(gradle.installCommand, "./gradlew dependencies");
    ws.mkdir("home/.m2/repository");
    EXPECT_EQ(detect(ws).projects[0].state, InstallState::Unknown);
}

TEST(DepsComposer, InstalledJsonIsTheRecord) {
    Workspace ws;
    ws.write("composer.json", "{}", 100s);
    ws.write("composer.lock", "{}", 100s);
    EXPECT_EQ(only(detect(ws)).state, InstallState::Missing);
    ws.write("vendor/composer/installed.json", "{}", 50s);
    EXPECT_EQ(only(detect(ws)).state, InstallState::Installed);
    ws.write("composer.lock", "{}", 1s);
    EXPECT_EQ(only(detect(ws)).state, InstallState::Stale);
}

TEST(DepsCpp, ConanAndVcpkg) {
    Workspace ws;
    ws.write("CMakeLists.txt", "project(x)\n", 100s);
    ws.write("conanfile.txt", "[requires]\n", 100s);
    ws.write("vcpkg.json", "{}", 100s);
    auto report = detect(ws);
    ASSERT_EQ(report.projects.size(), 2u);
    EXPECT_EQ(report.projects[0].ecosystem, "conan");
    EXPECT_EQ(report.projects[0].state, InstallState::Unknown);
    EXPECT_EQ(report.projects[1].ecosystem, "vcpkg");
    EXPECT_EQ(report.projects[1].state, InstallState::Missing);
    ws.mkdir("vcpkg_installed", 10s);
    EXPECT_EQ(detect(ws).projects[1].state, InstallState::Installed);
}

TEST(DepsCpp, PlainCmakeHasNoDependenciesToInstall) {
    Workspace ws;
    ws.write("CMakeLists.txt", "project(x)\n");
    EXPECT_TRUE(detect(ws).projects.empty());
}

TEST(DepsMix, DepsDirectoryIsStamped) {
    Workspace ws;
    ws.write("mix.exs", "", 100s);
    ws.write("mix.lock", "", 100s);
    auto p = only(detect(ws));
    EXPECT_EQ(p.ecosystem, "mix");
    EXPECT_EQ(p.installCommand, "mix deps.get");
    EXPECT_EQ(p.state, InstallState::Missing);
}

TEST(DepsDotnet, AssetsFileIsTheRecord) {
    Workspace ws;
    ws.write("App.csproj", "<Project/>", 100s);
    ws.write("obj/project.assets.json", "{}", 10s);
    auto p = only(detect(ws));
    EXPECT_EQ(p.ecosystem, "dotnet");
    EXPECT_EQ(p.manifest, "App.csproj");
    EXPECT_EQ(p.installCommand, "dotnet restore");
    EXPECT_EQ(p.state, InstallState::Installed);
}

TEST(DepsMonorepo, NestedManifestsAreFoundWithoutWalkingInstalledTrees) {
    Workspace ws;
    ws.write("package.json", R"({"workspaces":["packages/*"]})");
    ws.write("package-lock.json", "{}");
    ws.write("packages/ui/package.json", "{}");  // covered by the root's install
    ws.write("services/api/requirements.txt", "flask\n");
    ws.write("services/worker/go.mod", "module w\n");
    ws.write("node_modules/left-pad/package.json", "{}");
    ws.write(".venv/lib/python3.11/site-packages/x/setup.py", "");
    ws.write("target/debug/build/Cargo.toml", "");
    ws.write(".git/info/package.json", "{}");
    auto report = detect(ws);
    ASSERT_EQ(report.projects.size(), 3u);
    EXPECT_EQ(report.projects[0].manifest, "package.json");
    EXPECT_EQ(report.projects[1].manifest, "services/api/requirements.txt");
    EXPECT_EQ(report.projects[1].directory, "services/api");
    EXPECT_EQ(report.projects[2].manifest, "services/worker/go.mod");
    EXPECT_FALSE(report.truncated);
}

TEST(DepsMonorepo, DepthAndCountAreBounded) {
    Workspace ws;
    ws.write("a/b/c/d/e/f/package.json", "{}");
    DetectOptions shallow;
    shallow.maxDepth = 3;
    EXPECT_TRUE(detect(ws, shallow).projects.empty());
    DetectOptions deep;
    deep.maxDepth = 6;
    EXPECT_EQ(detect(ws, deep).projects.size(), 1u);

    Workspace many;
    for (int i = 0; i < 5; ++i) many.write("p" + std::to_string(i) + "/package.json", "{}");
    DetectOptions few;
    few.maxProjects = 2;
    auto report = detect(many, few);
    EXPECT_EQ(report.projects.size(), 2u);
    EXPECT_TRUE(report.truncated);
    DetectOptions fewDirs;
    fewDirs.maxDirectories = 3;
    report = detect(many, fewDirs);
    EXPECT_EQ(report.projects.size(), 2u);  // the root and p0, p1
    EXPECT_TRUE(report.truncated);
}

}  // namespace
}  // namespace parawork::deps
