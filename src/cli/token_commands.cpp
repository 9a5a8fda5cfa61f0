// `parawork token link|rotate|add NAME|ls|revoke NAME`: the owner token's login links and its
// rotation, and device tokens. The daemon does the work (it must forget old tokens at once);
// these routes answer over the unix socket only.
#include <chrono>
#include <iostream>
#include <memory>
#include <string>

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "cli/commands.hpp"
#include "cli/daemon_client.hpp"
#include "cli/output.hpp"

namespace parawork::cli {
namespace {

namespace json = boost::json;

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void printLinks(const json::value& answer) {
    for (const auto& link : answer.at("links").as_array())
        std::cout << "  " << std::string_view(link.as_string()) << "\n";
}

/// The daemon's answer as JSON, or in words with its login links after `words`.
int reportWithLinks(Context& ctx, const json::value& answer, const std::string& words) {
    if (ctx.globals.json) {
        printJson(answer);
        return 0;
    }
    std::cout << words;
    printLinks(answer);
    return 0;
}

int linkCommand(Context& ctx) {
    return reportWithLinks(ctx, ctx.client().get("/api/auth/link"),
                           "Open parawork with (anyone holding this link has your terminals):\n");
}

int rotateCommand(Context& ctx) {
    return reportWithLinks(ctx, ctx.client().post("/api/auth/rotate"),
                           "The token was replaced: old links, cookies and keys no longer work, "
                           "and preview logins end.\nLog in again with:\n");
}

int addCommand(Context& ctx, const std::string& name) {
    auto answer = ctx.client().post("/api/auth/devices", json::object{{"name", name}});
    std::string token = ctx.globals.json ? "" : std::string(answer.at("token").as_string());
    return reportWithLinks(ctx, answer,
                           "Device token '" + name +
                               "' (shown this once; revoke it with `parawork token revoke " + name +
                               "`):\n  " + token + "\nLog in on that device with:\n");
}

int listCommand(Context& ctx) {
    auto devices = ctx.client().get("/api/auth/devices");
    if (ctx.globals.json) {
        printJson(devices);
        return 0;
    }
    if (devices.as_array().empty()) {
        std::cout << "no device tokens (add one with `parawork token add NAME`)\n";
        return 0;
    }
    Table table({"NAME", "CREATED", "LAST USED"});
    auto now = nowMs();
    for (const auto& item : devices.as_array()) {
        const auto& d = item.as_object();
        const auto& lastUsed = d.at("lastUsedAt");
        table.add(
            {std::string(d.at("name").as_string()),
             relativeTime(d.at("createdAt").to_number<std::int64_t>(), now),
             lastUsed.is_null() ? "never" : relativeTime(lastUsed.to_number<std::int64_t>(), now)});
    }
    table.print(std::cout);
    return 0;
}

int revokeCommand(Context& ctx, const std::string& name) {
    auto answer = ctx.client().del("/api/auth/devices/" +
                                   boost::urls::encode(name, boost::urls::unreserved_chars));
    if (ctx.globals.json) {
        printJson(answer);
        return 0;
    }
    std::cout << "revoked '" << name << "': it no longer logs in, and its previews end\n";
    return 0;
}

}  // namespace

void addTokenCommands(CLI::App& app, Context& ctx) {
    auto* token = app.add_subcommand("token", "Login links, token rotation and device tokens");
    token->require_subcommand(1);
    handle(token->add_subcommand("link", "Print the login links again"), ctx,
           [&ctx] { return linkCommand(ctx); });
    handle(token->add_subcommand("rotate",
                                 "Replace the token: every old link, cookie and key stops working"),
           ctx, [&ctx] { return rotateCommand(ctx); });
    auto name = std::make_shared<std::string>();
    auto* add = token->add_subcommand("add", "Make a named token for a device (shown once)");
    add->add_option("name", *name, "Device name: letters, digits, '.', '_' or '-'")->required();
    handle(add, ctx, [&ctx, name] { return addCommand(ctx, *name); });
    handle(token->add_subcommand("ls", "List device tokens and when they were last used"), ctx,
           [&ctx] { return listCommand(ctx); });
    auto revoked = std::make_shared<std::string>();
    auto* revoke = token->add_subcommand("revoke", "Revoke a device token at once");
    revoke->add_option("name", *revoked, "Device name (or id)")->required();
    handle(revoke, ctx, [&ctx, revoked] { return revokeCommand(ctx, *revoked); });
}

}  // namespace parawork::cli
