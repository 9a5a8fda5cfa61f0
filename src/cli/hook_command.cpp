// `parawork hook`: the verb form of parawork-hook (cli/hook_report.hpp), for a person trying a
// hook by hand; the daemon installs parawork-hook, which starts faster.
#include "cli/commands.hpp"
#include "cli/hook_report.hpp"

namespace parawork::cli {

void addHookCommand(CLI::App& app, Context& ctx) {
    auto* hook = app.add_subcommand(
        "hook", "Report an agent's hook event to the daemon (what agents' hooks run; exits 0)");
    auto socket = std::make_shared<std::string>();
    auto args = std::make_shared<std::vector<std::string>>();
    hook->add_option("--socket", *socket, "The daemon's unix socket (default: this home's)");
    hook->add_option("event", *args, "The event's JSON (Codex's notify); default: stdin");
    // Whatever an agent adds, the hook never fails on its arguments: they stay here instead
    // of falling through to the app's own flags (`parawork --home H hook` still works).
    hook->allow_extras();
    hook->fallthrough(false);
    hook->callback([&ctx, hook, socket, args] {
        // The event is the positional argument (Codex appends it last); extras are ignored.
        throw CLI::RuntimeError(reportHook(
            socket->empty() ? ctx.paths().socketFile() : std::filesystem::path(*socket), *args));
    });
}

}  // namespace parawork::cli
