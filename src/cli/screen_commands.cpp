// screen, send-keys: read a session's screen as text and steer it by keys, like tmux's
// `capture-pane -p` and `send-keys` (docs/cli.md). Thin: resolve the session, call the API, print.
#include <iostream>
#include <memory>

#include <boost/json/array.hpp>

#include "cli/commands.hpp"
#include "cli/daemon_client.hpp"
#include "cli/ids.hpp"
#include "cli/output.hpp"
#include "core/key_names.hpp"

namespace parawork::cli {
namespace {

namespace json = boost::json;

/// A session that ended has no screen or keyboard: the API's 409 as `not_running`.
template <class Call>
json::value whileRunning(const std::string& id, Call&& call) {
    try {
        return std::forward<Call>(call)();
    } catch (CliError& e) {
        if (e.code != "conflict") throw;
        throw CliError(e.what(), "not_running",
                       "`parawork logs " + shortId(id) + "` prints what it printed");
    }
}

int screenCommand(Context& ctx, const std::string& arg) {
    auto& client = ctx.client();
    auto id = field(resolveSession(client, arg), "id");
    auto screen = whileRunning(id, [&] { return client.get("/api/sessions/" + id + "/screen"); });
    if (ctx.globals.json)
        printJson(screen);
    else
        std::cout << field(screen.as_object(), "text") << std::flush;
    return 0;
}

struct SendKeysOptions {
    std::string id;
    std::vector<std::string> keys;
    bool literal = false;
};

int sendKeysCommand(Context& ctx, const SendKeysOptions& o) {
    try {  // the daemon checks them too; checked here, a bad name is a usage error
        core::keysToBytes(o.keys, o.literal);
    } catch (const core::KeyError& e) {
        throw CliError(e.what(), "usage", "key names are tmux's: Enter Escape Tab Up C-c M-x F1…",
                       kExitUsage);
    }
    auto& client = ctx.client();
    auto id = field(resolveSession(client, o.id), "id");
    json::array keys(o.keys.begin(), o.keys.end());
    whileRunning(id, [&] {
        return client.post("/api/sessions/" + id + "/keys",
                           {{"keys", std::move(keys)}, {"literal", o.literal}});
    });
    if (ctx.globals.json) printJson(json::object{{"sent", o.keys.size()}});
    return 0;
}

}  // namespace

void addScreenCommands(CLI::App& app, Context& ctx) {
    auto screenId = std::make_shared<std::string>();
    auto* screenCmd =
        app.add_subcommand("screen", "Print a session's screen as text (like capture-pane -p)");
    screenCmd->add_option("id", *screenId, "Session (id, prefix or name)")->required();
    handle(screenCmd, ctx, [&ctx, screenId] { return screenCommand(ctx, *screenId); });

    auto keys = std::make_shared<SendKeysOptions>();
    auto* keysCmd = app.add_subcommand(
        "send-keys", "Press keys in a session by tmux's names (Escape Down Enter C-c)");
    keysCmd->add_flag("-l,--literal", keys->literal, "Type every argument as text, no key names");
    keysCmd->add_option("id", keys->id, "Session (id, prefix or name)")->required();
    keysCmd
        ->add_option("keys", keys->keys,
                     "Key names, or text to type (after -- if it starts "
                     "with -)")
        ->required();
    handle(keysCmd, ctx, [&ctx, keys] { return sendKeysCommand(ctx, *keys); });
}

}  // namespace parawork::cli
