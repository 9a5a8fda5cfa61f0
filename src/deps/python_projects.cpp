// Python projects, chosen as Railpack does (platform-notes "Dependencies"): uv.lock -> uv,
// poetry.lock -> Poetry, pdm.lock -> PDM, Pipfile -> pipenv, requirements*.txt -> pip; a
// pyproject.toml alone goes by its [tool.*] table, else pip. The installed tree is the project's
// virtual environment: its site-packages directory changes on every install, so it is the stamp.
#include <algorithm>
#include <cctype>

#include "deps/install_state.hpp"
#include "deps/project_detectors.hpp"

namespace parawork::deps {
namespace {

namespace fs = std::filesystem;

/// The site-packages directory of the project's .venv or venv (relative to `dir`), else the
/// environment's own directory; nullopt when there is no environment.
std::optional<std::string> environmentRecord(const fs::path& dir) {
    for (const char* name : {".venv", "venv"}) {
        if (!isDirectory(dir / name)) continue;
        std::error_code ec;
        for (fs::directory_iterator it(dir / name / "lib", ec), end; !ec && it != end;
             it.increment(ec)) {
            if (it->path().filename().string().starts_with("python") &&
                isDirectory(it->path() / "site-packages"))
                return std::string(name) + "/lib/" + it->path().filename().string() +
                       "/site-packages";
        }
        return std::string(name);
    }
    return std::nullopt;
}

/// Whether `name` can go into a shell command as it is (the install command names the file).
bool plainFileName(const std::string& name) {
    return std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '.' || c == '_' || c == '-';
    });
}

/// requirements.txt, else the first requirements*.txt by name (among plain names).
std::optional<std::string> requirementsFile(const fs::path& dir) {
    if (isFile(dir / "requirements.txt")) return "requirements.txt";
    std::vector<std::string> found;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        auto name = it->path().filename().string();
        if (name.starts_with("requirements") && name.ends_with(".txt") && plainFileName(name) &&
            isFile(it->path()))
            found.push_back(name);
    }
    if (found.empty()) return std::nullopt;
    return *std::min_element(found.begin(), found.end());
}

/// The tool a pyproject.toml names with a [tool.<name>] table, "" for none we know.
std::string pyprojectTool(const fs::path& dir) {
    auto text = readSmallFile(dir / "pyproject.toml");
    if (!text) return "";
    for (const char* tool : {"poetry", "uv", "pdm"}) {
        std::string table = std::string("[tool.") + tool;
        std::size_t at = 0;
        while ((at = text->find(table, at)) != std::string::npos) {
            bool lineStart = at == 0 || (*text)[at - 1] == '\n';
            char next = at + table.size() < text->size() ? (*text)[at + table.size()] : ']';
            if (lineStart && (next == ']' || next == '.')) return tool;
            at += table.size();
        }
    }
    return "";
}

struct Choice {
    std::string ecosystem;
    std::string manifest;
    std::optional<std::string> lockfile;
};

std::optional<Choice> choose(const fs::path& dir) {
    bool pyproject = isFile(dir / "pyproject.toml");
    if (isFile(dir / "uv.lock")) return Choice{"uv", "pyproject.toml", "uv.lock"};
    if (isFile(dir / "poetry.lock")) return Choice{"poetry", "pyproject.toml", "poetry.lock"};
    if (isFile(dir / "pdm.lock")) return Choice{"pdm", "pyproject.toml", "pdm.lock"};
    if (isFile(dir / "Pipfile"))
        return Choice{"pipenv", "Pipfile", firstFile(dir, {"Pipfile.lock"})};
    if (auto requirements = requirementsFile(dir)) return Choice{"pip", *requirements, {}};
    if (!pyproject) return std::nullopt;
    std::string tool = pyprojectTool(dir);
    return Choice{tool.empty() ? "pip" : tool, "pyproject.toml", {}};
}

std::string installCommand(const Choice& c) {
    if (c.ecosystem == "uv") return c.lockfile ? "uv sync --frozen" : "uv sync";
    if (c.ecosystem == "poetry") return "poetry install";
    if (c.ecosystem == "pdm") return "pdm install";
    if (c.ecosystem == "pipenv") return c.lockfile ? "pipenv sync" : "pipenv install";
    if (c.manifest == "pyproject.toml")
        return "python3 -m venv .venv && .venv/bin/pip install -e .";
    return "python3 -m venv .venv && .venv/bin/pip install -r " + c.manifest;
}

std::vector<std::string> toolsFor(const std::string& ecosystem) {
    if (ecosystem == "uv") return {"uv"};
    if (ecosystem == "pip") return {"python3"};
    return {"python3", ecosystem};
}

}  // namespace

std::vector<Project> detectPythonProjects(const ProjectDir& dir) {
    auto choice = choose(dir.path);
    if (!choice) return {};
    Project p;
    p.language = "python";
    p.ecosystem = choice->ecosystem;
    p.directory = dir.relative;
    p.manifest = dir.file(choice->manifest);
    if (choice->lockfile) p.lockfile = dir.file(*choice->lockfile);
    p.installCommand = installCommand(*choice);
    p.tools = toolsFor(choice->ecosystem);

    auto record = environmentRecord(dir.path);
    if (!record) {
        // Poetry and pipenv keep their environments in a cache outside the project by default.
        bool external = p.ecosystem == "poetry" || p.ecosystem == "pipenv";
        p.state = external ? InstallState::Unknown : InstallState::Missing;
        p.reason = external ? "no .venv in the project (" + p.ecosystem +
                                  " may keep its environment elsewhere)"
                            : "no virtual environment (.venv or venv)";
        return {p};
    }
    std::vector<std::string> sources{choice->manifest};
    if (choice->lockfile) sources.push_back(*choice->lockfile);
    auto verdict = stampState({dir.path, sources, *record});
    p.state = verdict.state;
    p.reason = verdict.reason;
    return {p};
}

}  // namespace parawork::deps
