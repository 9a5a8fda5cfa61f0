#include "core/executables.hpp"

#include <unistd.h>

#include <system_error>

namespace parawork::core {
namespace {

namespace fs = std::filesystem;

bool runnable(const fs::path& candidate) {
    std::error_code ec;
    return fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0;
}

}  // namespace

std::optional<fs::path> findExecutable(std::string_view program, std::string_view pathVariable,
                                       const fs::path& cwd) {
    if (program.empty()) return std::nullopt;
    if (program.find('/') != std::string_view::npos) {
        fs::path p(program);
        if (p.is_relative()) p = cwd / p;
        return runnable(p) ? std::optional(p) : std::nullopt;
    }
    std::string_view rest = pathVariable;
    for (;;) {
        auto colon = rest.find(':');
        std::string_view dir = rest.substr(0, colon);
        fs::path candidate = dir.empty() ? cwd / program : fs::path(dir) / program;
        if (candidate.is_relative()) candidate = cwd / candidate;
        if (runnable(candidate)) return candidate;
        if (colon == std::string_view::npos) return std::nullopt;
        rest.remove_prefix(colon + 1);
    }
}

std::optional<std::string> executableProblem(std::string_view program,
                                             std::string_view pathVariable, const fs::path& cwd) {
    if (findExecutable(program, pathVariable, cwd)) return std::nullopt;
    std::string name(program);
    if (program.find('/') == std::string_view::npos) return name + " was not found on PATH";
    fs::path p(program);
    if (p.is_relative()) p = cwd / p;
    std::error_code ec;
    if (!fs::exists(p, ec)) return name + " does not exist";
    if (fs::is_directory(p, ec)) return name + " is a directory";
    return name + " is not executable";
}

}  // namespace parawork::core
