#include "core/hook_install.hpp"

#include <cstdio>
#include <span>

namespace parawork::core {
namespace {

constexpr std::string_view kHook = "{hook}";
constexpr std::string_view kSettings = "{settings}";
constexpr std::string_view kMcpCommand = "{mcp_command}";
constexpr std::string_view kMcpArgs = "{mcp_args}";

std::string replaceAll(std::string text, std::string_view placeholder, std::string_view with) {
    for (auto at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at + with.size()))
        text.replace(at, placeholder.size(), with);
    return text;
}

/// The inside of quotedString (what a placeholder within a JSON string becomes).
std::string escaped(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
            char code[8];
            std::snprintf(code, sizeof code, "\\u%04x", static_cast<unsigned char>(c));
            out += code;
        } else {
            out += c;
        }
    }
    return out;
}

std::string arrayElements(std::span<const std::string> words) {
    std::string out;
    for (const auto& word : words) out += (out.empty() ? "" : ",") + quotedString(word);
    return out;
}

/// Before the agent's own args, a resume's and the prompt, so that no option parser reads them
/// as the prompt's.
void insertAfterCommand(AgentLaunch& launch, const std::vector<std::string>& args) {
    auto afterCommand = launch.argv.empty() ? launch.argv.end() : launch.argv.begin() + 1;
    launch.argv.insert(afterCommand, args.begin(), args.end());
}

}  // namespace

std::string quotedString(std::string_view text) {
    return "\"" + escaped(text) + "\"";
}

std::string shellCommandLine(const std::vector<std::string>& words) {
    std::string line;
    for (const auto& word : words) {
        if (!line.empty()) line += ' ';
        line += '\'' + replaceAll(word, "'", R"('\'')") + '\'';
    }
    return line;
}

std::string hookSettings(const AgentHooks& hooks, const std::vector<std::string>& hookCommand) {
    return replaceAll(hooks.settingsTemplate, kHook, escaped(shellCommandLine(hookCommand)));
}

void addHookArgs(AgentLaunch& launch, const AgentHooks& hooks, const HookInstall& install) {
    std::vector<std::string> args;
    for (const auto& arg : hooks.args) {
        if (arg == kHook) {
            args.insert(args.end(), install.command.begin(), install.command.end());
            continue;
        }
        std::string filled = replaceAll(arg, kSettings, install.settingsPath);
        args.push_back(replaceAll(std::move(filled), kHook, arrayElements(install.command)));
    }
    insertAfterCommand(launch, args);
}

void addMcpArgs(AgentLaunch& launch, const AgentProfile& profile,
                const std::vector<std::string>& serverCommand) {
    if (serverCommand.empty()) return;
    std::string program = quotedString(serverCommand.front());
    std::string rest = arrayElements(std::span(serverCommand).subspan(1));
    std::vector<std::string> args;
    for (const auto& arg : profile.mcpArgs)
        args.push_back(replaceAll(replaceAll(arg, kMcpCommand, program), kMcpArgs, rest));
    insertAfterCommand(launch, args);
}

}  // namespace parawork::core
