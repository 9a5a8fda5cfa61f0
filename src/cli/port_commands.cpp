// `parawork ports [SESSION]`: what sessions listen on (or declared they will), with preview
// URLs — all running sessions, or one session, running or not.
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include <boost/json.hpp>

#include "cli/commands.hpp"
#include "cli/daemon_client.hpp"
#include "cli/ids.hpp"
#include "cli/output.hpp"

namespace parawork::cli {
namespace {

namespace json = boost::json;

int portsCommand(Context& ctx, const std::string& sessionArg) {
    auto& client = ctx.client();
    json::value ports;
    if (sessionArg.empty()) {
        ports = client.get("/api/ports");
    } else {
        auto session = resolveSession(client, sessionArg);
        ports = client.get("/api/sessions/" + field(session, "id") + "/ports");
    }
    if (ctx.globals.json) {
        printJson(ports);
        return 0;
    }
    if (ports.as_array().empty()) {
        std::cout << (sessionArg.empty() ? "no session listens on a port\n"
                                         : "this session listens on no port\n");
        return 0;
    }
    std::map<std::string, std::string> workspaceNames;
    auto workspaces = client.get("/api/workspaces");
    for (const auto& ws : workspaces.as_array())
        workspaceNames[field(ws.as_object(), "id")] = field(ws.as_object(), "name");
    Table table({"SESSION", "WORKSPACE", "PORT", "STATE", "ADDRESS", "PREVIEW"});
    for (const auto& item : ports.as_array()) {
        const auto& p = item.as_object();
        auto address = field(p, "address");
        table.add({shortId(field(p, "sessionId")), workspaceNames[field(p, "workspaceId")],
                   std::to_string(p.at("port").as_int64()),
                   field(p, "state") == "listening" ? colourStatus("running") : "declared",
                   address.empty() ? "-" : address, field(p, "url")});
    }
    table.print(std::cout);
    return 0;
}

}  // namespace

void addPortCommands(CLI::App& app, Context& ctx) {
    auto session = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand(
        "ports", "Show the ports sessions listen on (or declared) and their preview URLs");
    cmd->add_option("session", *session,
                    "Session (id, prefix or name; default: every running session)");
    handle(cmd, ctx, [&ctx, session] { return portsCommand(ctx, *session); });
}

}  // namespace parawork::cli
