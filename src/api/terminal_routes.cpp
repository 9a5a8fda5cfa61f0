#include "api/terminal_routes.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "api/body_fields.hpp"
#include "api/service_answer.hpp"

namespace parawork::api {
namespace {

namespace json = boost::json;

json::object opened(const std::string& terminalId, bool existing) {
    return {{"terminalId", terminalId}, {"existing", existing}};
}

/// What the client asked for, validated.
session::StartRequest readOpenRequest(Request& req) {
    session::StartRequest start;
    start.workspaceId = req.params["id"];
    start.kind = core::SessionKind::Terminal;
    start.agentType = "terminal";
    start.name = "Terminal";
    auto shells = readLoginShells();
    std::string shell;
    if (auto asked = optionalString(req.json, "shell", 1, 4096)) {
        if (auto problem = shellProblem(*asked, shells)) throw BadRequest("shell: " + *problem);
        shell = *asked;
    } else {
        shell = defaultShell(std::getenv("SHELL"), shells);
    }
    start.argv = {shell, "-l"};  // a login shell, as a terminal emulator starts one
    start.env["SHELL"] = shell;
    start.size.cols =
        static_cast<std::uint16_t>(optionalInteger(req.json, "cols", 1, 1000).value_or(120));
    start.size.rows =
        static_cast<std::uint16_t>(optionalInteger(req.json, "rows", 1, 1000).value_or(30));
    return start;
}

Response openTerminal(Request& req, workspace::WorkspaceService& workspaces) {
    auto start = readOpenRequest(req);
    return answering([&] {
        auto terminal = workspaces.openTerminal(start);
        return ok(opened(terminal.id, terminal.existing), terminal.existing ? 200 : 201);
    });
}

Response terminalStatus(Request& req, workspace::WorkspaceService& workspaces) {
    auto terminal = workspaces.activeTerminal(req.params["id"]);
    if (!terminal) return ok(json::object{{"active", false}});
    return ok(json::object{{"terminalId", terminal->id}, {"active", true}});
}

}  // namespace

std::vector<std::string> parseLoginShells(std::string_view text) {
    std::vector<std::string> shells;
    std::istringstream in{std::string(text)};
    std::string line;
    while (std::getline(in, line)) {
        auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line[first] == '#') continue;
        auto last = line.find_last_not_of(" \t\r");
        shells.push_back(line.substr(first, last - first + 1));
    }
    return shells;
}

std::vector<std::string> readLoginShells(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) {
        spdlog::warn("cannot read {}: no shell is allowed for user terminals", file.string());
        return {};
    }
    std::stringstream text;
    text << in.rdbuf();
    return parseLoginShells(text.str());
}

std::optional<std::string> shellProblem(const std::string& shell,
                                        const std::vector<std::string>& loginShells) {
    if (shell.empty() || shell.front() != '/') return "must be an absolute path, e.g. /bin/bash";
    if (std::find(loginShells.begin(), loginShells.end(), shell) == loginShells.end())
        return shell + " is not a login shell listed in /etc/shells";
    struct stat st {};
    if (::stat(shell.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
        ::access(shell.c_str(), X_OK) != 0)
        return shell + " is not an executable file";
    return std::nullopt;
}

std::string defaultShell(const char* shellVariable, const std::vector<std::string>& loginShells) {
    if (shellVariable && !shellProblem(shellVariable, loginShells)) return shellVariable;
    return "/bin/bash";
}

void addTerminalRoutes(Router& router, workspace::WorkspaceService& workspaces) {
    router.add("POST", "/api/workspaces/:id/terminal",
               [&workspaces](Request& req) { return openTerminal(req, workspaces); });
    router.add("DELETE", "/api/workspaces/:id/terminal", [&workspaces](Request& req) {
        if (!workspaces.closeTerminal(req.params["id"]))
            return fail(404, "No terminal found for workspace");
        return ok(nullptr);
    });
    router.add("GET", "/api/workspaces/:id/terminal",
               [&workspaces](Request& req) { return terminalStatus(req, workspaces); });
}

}  // namespace parawork::api
