#include "api/terminal_routes.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "api/body_fields.hpp"
#include "store/sessions.hpp"
#include "store/workspaces.hpp"

namespace parawork::api {
namespace {

namespace json = boost::json;

/// The workspace's user terminal while it is starting or running. A stopped terminal stays
/// here until its process has really exited, as in the original (§4.5).
std::optional<core::Session> activeTerminal(store::Database& db, const std::string& workspaceId) {
    for (auto& s : store::listActiveSessionsInWorkspace(db, workspaceId))
        if (s.kind == core::SessionKind::Terminal) return std::move(s);
    return std::nullopt;
}

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

Response openTerminal(Request& req, store::Database& db, session::SessionService& sessions) {
    auto start = readOpenRequest(req);
    if (!store::findWorkspace(db, start.workspaceId)) return fail(404, "Workspace not found");
    if (auto existing = activeTerminal(db, start.workspaceId))
        return ok(opened(existing->id, true));
    try {
        auto terminal = sessions.start(start);
        return ok(opened(terminal.id, false), 201);
    } catch (const session::ServiceError& e) {
        // Another request started one meanwhile: the store admits one per workspace.
        if (auto existing = activeTerminal(db, start.workspaceId))
            return ok(opened(existing->id, true));
        if (e.status == 500) {
            std::string_view why = e.what();
            auto colon = why.find(": ");
            if (colon != std::string_view::npos) why.remove_prefix(colon + 2);
            return fail(500, "Failed to start terminal: " + std::string(why));
        }
        return fail(e.status, e.what());
    }
}

Response closeTerminal(Request& req, store::Database& db, session::SessionService& sessions) {
    auto terminal = activeTerminal(db, req.params["id"]);
    if (!terminal) return fail(404, "No terminal found for workspace");
    // SIGTERM and SIGHUP now, SIGKILL after the grace; it stays active until it has exited.
    sessions.stop(terminal->id);
    return ok(nullptr);
}

Response terminalStatus(Request& req, store::Database& db) {
    auto terminal = activeTerminal(db, req.params["id"]);
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

void addTerminalRoutes(Router& router, store::Database& db, session::SessionService& sessions) {
    router.add("POST", "/api/workspaces/:id/terminal",
               [&db, &sessions](Request& req) { return openTerminal(req, db, sessions); });
    router.add("DELETE", "/api/workspaces/:id/terminal",
               [&db, &sessions](Request& req) { return closeTerminal(req, db, sessions); });
    router.add("GET", "/api/workspaces/:id/terminal",
               [&db](Request& req) { return terminalStatus(req, db); });
}

}  // namespace parawork::api
