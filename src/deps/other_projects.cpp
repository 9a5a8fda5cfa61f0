// Go, Rust, Ruby, Java, PHP, C++ (Conan, vcpkg), Elixir and .NET projects. Some ecosystems
// install into the project (vendor/, deps/, obj/): their record is compared with the manifest
// and lockfile. Others install into a per-user cache (~/.m2, ~/.gradle, ~/.cargo): without
// running the tool, the most a file check can say is that the cache is absent (missing) or
// present (unknown). Go's module cache is checked module by module: go.sum lists them all.
#include <algorithm>
#include <cctype>
#include <sstream>

#include "deps/install_state.hpp"
#include "deps/project_detectors.hpp"

namespace parawork::deps {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxGoSumLines = 20000;

Project make(const ProjectDir& dir, std::string ecosystem, std::string language,
             const std::string& manifest, const std::optional<std::string>& lockfile) {
    Project p;
    p.ecosystem = std::move(ecosystem);
    p.language = std::move(language);
    p.directory = dir.relative;
    p.manifest = dir.file(manifest);
    if (lockfile) p.lockfile = dir.file(*lockfile);
    return p;
}

void apply(Project& p, const StateVerdict& verdict) {
    p.state = verdict.state;
    p.reason = verdict.reason;
}

/// Dependencies that live in a per-user cache: present is all a file check can tell.
StateVerdict cacheState(const fs::path& cache, const std::string& check) {
    if (!isDirectory(cache)) return {InstallState::Missing, cache.string() + " does not exist"};
    return {InstallState::Unknown,
            "dependencies are kept in " + cache.string() + "; `" + check + "` tells for sure"};
}

std::vector<std::string> sourcesOf(const std::string& manifest,
                                   const std::optional<std::string>& lockfile) {
    std::vector<std::string> sources{manifest};
    if (lockfile) sources.push_back(*lockfile);
    return sources;
}

/// The module cache's spelling of a module path: upper-case letters become '!' + lower case.
std::string escapeModulePath(std::string_view path) {
    std::string out;
    for (char c : path) {
        if (std::isupper(static_cast<unsigned char>(c))) {
            out += '!';
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else {
            out += c;
        }
    }
    return out;
}

StateVerdict goModuleCacheState(const fs::path& dir, const fs::path& cache) {
    auto sum = readSmallFile(dir / "go.sum", 8u << 20);
    if (!sum) return {InstallState::Unknown, "go.sum cannot be read"};
    if (!isDirectory(cache)) return {InstallState::Missing, cache.string() + " does not exist"};
    std::istringstream lines(*sum);
    std::string line, module, version;
    std::size_t modules = 0, absent = 0, read = 0;
    while (std::getline(lines, line) && ++read <= kMaxGoSumLines) {
        std::istringstream fields(line);
        if (!(fields >> module >> version) || version.ends_with("/go.mod")) continue;
        ++modules;
        auto zip = cache / "cache/download" / escapeModulePath(module) / "@v" /
                   (escapeModulePath(version) + ".zip");
        if (!isFile(zip)) ++absent;
    }
    if (absent > 0)
        return {InstallState::Missing, std::to_string(absent) + " of " + std::to_string(modules) +
                                           " modules are not in " + cache.string()};
    return {InstallState::Installed,
            "all " + std::to_string(modules) + " modules are in " + cache.string()};
}

void detectGo(const ProjectDir& dir, const CacheDirs& caches, std::vector<Project>& out) {
    if (!isFile(dir.path / "go.mod")) return;
    auto lock = firstFile(dir.path, {"go.sum"});
    Project p = make(dir, "go", "go", "go.mod", lock);
    p.tools = {"go"};
    if (isFile(dir.path / "vendor/modules.txt")) {
        p.installCommand = "go mod vendor";
        apply(p, stampState({dir.path, sourcesOf("go.mod", lock), "vendor/modules.txt"}));
    } else if (!lock) {
        p.installCommand = "go mod download";
        auto mod = readSmallFile(dir.path / "go.mod").value_or("");
        if (mod.find("require") == std::string::npos)
            apply(p, {InstallState::Installed, "go.mod requires no modules"});
        else
            apply(p, {InstallState::Missing, "go.mod requires modules but there is no go.sum"});
    } else {
        p.installCommand = "go mod download";
        apply(p, goModuleCacheState(dir.path, caches.goModCache));
    }
    out.push_back(std::move(p));
}

void detectCargo(const ProjectDir& dir, const CacheDirs& caches, std::vector<Project>& out) {
    if (!isFile(dir.path / "Cargo.toml")) return;
    Project p = make(dir, "cargo", "rust", "Cargo.toml", firstFile(dir.path, {"Cargo.lock"}));
    p.tools = {"cargo"};
    p.installCommand = "cargo fetch";
    apply(p, cacheState(caches.cargoHome / "registry", "cargo fetch --locked"));
    out.push_back(std::move(p));
}

void detectBundler(const ProjectDir& dir, std::vector<Project>& out) {
    if (!isFile(dir.path / "Gemfile")) return;
    auto lock = firstFile(dir.path, {"Gemfile.lock"});
    Project p = make(dir, "bundler", "ruby", "Gemfile", lock);
    p.tools = {"ruby", "bundle"};
    p.installCommand = "bundle install";
    if (isDirectory(dir.path / "vendor/bundle"))
        apply(p, stampState({dir.path, sourcesOf("Gemfile", lock), "vendor/bundle"}));
    else
        apply(p, {InstallState::Unknown,
                  "no vendor/bundle: gems are installed outside the project; `bundle check` "
                  "tells for sure"});
    out.push_back(std::move(p));
}

void detectJava(const ProjectDir& dir, const CacheDirs& caches, std::vector<Project>& out) {
    if (isFile(dir.path / "pom.xml")) {
        Project p = make(dir, "maven", "java", "pom.xml", std::nullopt);
        bool wrapper = isFile(dir.path / "mvnw");
        p.tools =
            wrapper ? std::vector<std::string>{"java"} : std::vector<std::string>{"java", "mvn"};
        p.installCommand = std::string(wrapper ? "./mvnw" : "mvn") + " dependency:go-offline";
        apply(p, cacheState(caches.mavenRepository, p.installCommand));
        out.push_back(std::move(p));
    }
    auto gradle = firstFile(
        dir.path, {"build.gradle.kts", "build.gradle", "settings.gradle.kts", "settings.gradle"});
    if (gradle) {
        Project p = make(dir, "gradle", "java", *gradle, firstFile(dir.path, {"gradle.lockfile"}));
        bool wrapper = isFile(dir.path / "gradlew");
        p.tools =
            wrapper ? std::vector<std::string>{"java"} : std::vector<std::string>{"java", "gradle"};
        p.installCommand = std::string(wrapper ? "./gradlew" : "gradle") + " dependencies";
        apply(p, cacheState(caches.gradleHome / "caches", p.installCommand));
        out.push_back(std::move(p));
    }
}

void detectComposer(const ProjectDir& dir, std::vector<Project>& out) {
    if (!isFile(dir.path / "composer.json")) return;
    auto lock = firstFile(dir.path, {"composer.lock"});
    Project p = make(dir, "composer", "php", "composer.json", lock);
    p.tools = {"php", "composer"};
    p.installCommand = "composer install";
    apply(p, stampState(
                 {dir.path, sourcesOf("composer.json", lock), "vendor/composer/installed.json"}));
    out.push_back(std::move(p));
}

void detectCpp(const ProjectDir& dir, std::vector<Project>& out) {
    if (auto conanfile = firstFile(dir.path, {"conanfile.txt", "conanfile.py"})) {
        Project p = make(dir, "conan", "cpp", *conanfile, firstFile(dir.path, {"conan.lock"}));
        p.tools = {"cmake", "conan"};
        p.installCommand = "conan install . --build=missing";
        apply(p, {InstallState::Unknown,
                  "Conan keeps packages in its own cache; `conan install` tells for sure"});
        out.push_back(std::move(p));
    }
    if (isFile(dir.path / "vcpkg.json")) {
        Project p = make(dir, "vcpkg", "cpp", "vcpkg.json", std::nullopt);
        p.tools = {"cmake", "vcpkg"};
        p.installCommand = "vcpkg install";
        apply(p, stampState({dir.path, {"vcpkg.json"}, "vcpkg_installed"}));
        out.push_back(std::move(p));
    }
}

void detectMix(const ProjectDir& dir, std::vector<Project>& out) {
    if (!isFile(dir.path / "mix.exs")) return;
    auto lock = firstFile(dir.path, {"mix.lock"});
    Project p = make(dir, "mix", "elixir", "mix.exs", lock);
    p.tools = {"elixir", "mix"};
    p.installCommand = "mix deps.get";
    apply(p, stampState({dir.path, sourcesOf("mix.exs", lock), "deps"}));
    out.push_back(std::move(p));
}

/// The first *.csproj, *.fsproj or *.vbproj of `dir` by name.
std::optional<std::string> dotnetProjectFile(const fs::path& dir) {
    std::vector<std::string> found;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        auto name = it->path().filename().string();
        if ((name.ends_with(".csproj") || name.ends_with(".fsproj") || name.ends_with(".vbproj")) &&
            isFile(it->path()))
            found.push_back(name);
    }
    if (found.empty()) return std::nullopt;
    return *std::min_element(found.begin(), found.end());
}

void detectDotnet(const ProjectDir& dir, std::vector<Project>& out) {
    auto projectFile = dotnetProjectFile(dir.path);
    if (!projectFile) return;
    auto lock = firstFile(dir.path, {"packages.lock.json"});
    Project p = make(dir, "dotnet", "dotnet", *projectFile, lock);
    p.tools = {"dotnet"};
    p.installCommand = "dotnet restore";
    apply(p, stampState({dir.path, sourcesOf(*projectFile, lock), "obj/project.assets.json"}));
    out.push_back(std::move(p));
}

}  // namespace

std::vector<Project> detectOtherProjects(const ProjectDir& dir, const CacheDirs& caches) {
    // Railpack's order: PHP, Go, Java, Rust, Ruby, Elixir, (Python), .NET, (Node), C++.
    std::vector<Project> out;
    detectComposer(dir, out);
    detectGo(dir, caches, out);
    detectJava(dir, caches, out);
    detectCargo(dir, caches, out);
    detectBundler(dir, out);
    detectMix(dir, out);
    detectDotnet(dir, out);
    detectCpp(dir, out);
    return out;
}

}  // namespace parawork::deps
