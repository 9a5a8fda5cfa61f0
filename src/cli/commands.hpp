// The command groups (STYLE §18: commands are data, one file per group). Each adds its
// subcommands, flags and handlers to the app; handlers throw CLI::RuntimeError with the exit
// code, which cli.cpp turns into the process's.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.hpp"

namespace parawork::cli {

/// run, ps, logs, stop, send (and attach when built with it): session_commands.cpp
void addSessionCommands(CLI::App& app, Context& ctx);
/// repo add|ls|rm, ws new|ls|rm: workspace_commands.cpp
void addWorkspaceCommands(CLI::App& app, Context& ctx);
/// open, and ws open (call after addWorkspaceCommands): open_command.cpp
void addOpenCommand(CLI::App& app, Context& ctx);
/// exec: exec_command.cpp
void addExecCommand(CLI::App& app, Context& ctx);
/// deps [WORKSPACE]: deps_command.cpp
void addDepsCommand(CLI::App& app, Context& ctx);
/// checkpoint ls|create|diff|restore, commit, diff: checkpoint_commands.cpp
void addCheckpointCommands(CLI::App& app, Context& ctx);
/// wait ID --until waiting|idle|turn-end|ended: wait_command.cpp
void addWaitCommand(CLI::App& app, Context& ctx);
/// screen, send-keys: screen_commands.cpp
void addScreenCommands(CLI::App& app, Context& ctx);
/// top [--once]: top_command.cpp
void addTopCommand(CLI::App& app, Context& ctx);
/// ports [SESSION]: port_commands.cpp
void addPortCommands(CLI::App& app, Context& ctx);
/// review add|ls|resolve|reopen|rm|send: review_commands.cpp
void addReviewCommands(CLI::App& app, Context& ctx);
/// token link|rotate|add|ls|revoke: token_commands.cpp
void addTokenCommands(CLI::App& app, Context& ctx);
/// shutdown, restart: lifecycle_commands.cpp
void addLifecycleCommands(CLI::App& app, Context& ctx);
/// hook (what agents' hooks run; never starts the daemon, always exits 0): hook_command.cpp
void addHookCommand(CLI::App& app, Context& ctx);
/// push, pr, pr status (issue 20): push_commands.cpp
void addPushCommands(CLI::App& app, Context& ctx);
/// sync, merge, archive, unarchive (issue 20): branch_commands.cpp
void addBranchCommands(CLI::App& app, Context& ctx);
/// mcp (the MCP server over stdio), mcp config [AGENT] (issue 21): mcp_command.cpp
void addMcpCommand(CLI::App& app, Context& ctx);
/// completion bash|zsh|fish, generated from `app` as it is when called: completion.cpp
void addCompletionCommand(CLI::App& app, Context& ctx);

/// Sets `cmd`'s callback to run `body` guarded (runGuarded) and exit with its code.
void handle(CLI::App* cmd, Context& ctx, std::function<int()> body);

}  // namespace parawork::cli
