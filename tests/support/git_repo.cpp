#include "support/git_repo.hpp"

#include <fstream>
#include <sstream>

#include "core/error.hpp"

namespace parawork::test {

std::string git(const std::filesystem::path& dir, const std::vector<std::string>& args) {
    std::vector<std::string> argv{"/usr/bin/env", "git",
                                  "-C",           dir.string(),
                                  "-c",           "user.name=Test",
                                  "-c",           "user.email=test@example.com",
                                  "-c",           "init.defaultBranch=main"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto result = runProcess(argv);
    if (result.exitCode != 0)
        throw core::Error("git " + (args.empty() ? std::string() : args.front()) +
                          " failed: " + result.err);
    return result.out;
}

GitRepo::GitRepo(const std::string& name, bool withOrigin) {
    path_ = dir_.path() / name;
    if (withOrigin) {
        auto seed = dir_.path() / "seed";
        std::filesystem::create_directories(seed);
        git(seed, {"init", "-q", "-b", "main"});
        std::ofstream(seed / "README.md") << "# " << name << "\n";
        git(seed, {"add", "-A"});
        git(seed, {"commit", "-q", "-m", "initial"});
        git(dir_.path(), {"clone", "-q", "--bare", seed.string(), "origin.git"});
        git(dir_.path(), {"clone", "-q", (dir_.path() / "origin.git").string(), name});
        std::filesystem::remove_all(seed);
    } else {
        std::filesystem::create_directories(path_);
        git(path_, {"init", "-q", "-b", "main"});
        write("README.md", "# " + name + "\n");
        commit("initial");
    }
}

void GitRepo::write(const std::string& relative, const std::string& content) const {
    auto file = path_ / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << content;
}

void GitRepo::commit(const std::string& message) const {
    git(path_, {"add", "-A"});
    git(path_, {"commit", "-q", "-m", message});
}

std::vector<std::string> GitRepo::branches() const {
    std::istringstream out(git(path_, {"branch", "--format=%(refname:short)"}));
    std::vector<std::string> names;
    for (std::string line; std::getline(out, line);)
        if (!line.empty()) names.push_back(line);
    return names;
}

}  // namespace parawork::test
