// completion bash|zsh|fish: shell completion scripts generated from the CLI11 app itself, so a
// new verb or flag completes without anyone editing a script.
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"

namespace parawork::cli {
namespace {

/// A command's path ("repo add") and the app behind it, depth first.
struct Node {
    std::string path;
    const CLI::App* app;
};

void collect(const CLI::App* app, const std::string& path, std::vector<Node>& out) {
    out.push_back({path, app});
    for (const auto* sub : app->get_subcommands([](const CLI::App*) { return true; }))
        collect(sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), out);
}

std::vector<std::string> subcommandNames(const CLI::App* app) {
    std::vector<std::string> names;
    for (const auto* sub : app->get_subcommands([](const CLI::App*) { return true; }))
        names.push_back(sub->get_name());
    return names;
}

/// "--json", "-d", "--detach", … of an app (its own flags only; the globals are added apart).
std::vector<std::string> flagNames(const CLI::App* app) {
    std::vector<std::string> names;
    for (const auto* opt : app->get_options()) {
        if (!opt->nonpositional()) continue;
        for (const auto& s : opt->get_snames()) names.push_back("-" + s);
        for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
    }
    return names;
}

std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
    return out;
}

std::string quoteSingle(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string bashScript(const CLI::App& app) {
    std::vector<Node> nodes;
    collect(&app, "", nodes);
    std::vector<std::string> globals;  // what every verb accepts besides its own flags
    for (const auto& name : flagNames(&app))
        if (name != "-h" && name != "--help" && name != "--version") globals.push_back(name);
    std::ostringstream out;
    out << "# parawork completion for bash: eval \"$(parawork completion bash)\"\n"
        << "_parawork() {\n"
        << "    local cur=\"${COMP_WORDS[COMP_CWORD]}\" path=\"\" i w\n"
        << "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
        << "        w=\"${COMP_WORDS[i]}\"\n"
        << "        case \"$w\" in\n"
        << "            --home) ((i++)) ;;\n"
        << "            --) break ;;\n"
        << "            -*) ;;\n"
        << "            *) case \" $_parawork_paths \" in\n"
        << "                   *\" ${path:+$path/}$w \"*) path=\"${path:+$path/}$w\" ;;\n"
        << "               esac ;;\n"
        << "        esac\n"
        << "    done\n"
        << "    local words\n"
        << "    case \"$path\" in\n";
    std::string paths;
    for (const auto& node : nodes) {
        std::string key = node.path;
        for (auto& c : key)
            if (c == ' ') c = '/';
        if (!key.empty()) paths += (paths.empty() ? "" : " ") + key;
        auto words = subcommandNames(node.app);
        auto flags = flagNames(node.app);
        words.insert(words.end(), flags.begin(), flags.end());
        if (node.app != &app) words.insert(words.end(), globals.begin(), globals.end());
        out << "        " << quoteSingle(key) << ") words=" << quoteSingle(join(words)) << " ;;\n";
    }
    out << "    esac\n"
        << "    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
        << "}\n"
        << "_parawork_paths=" << quoteSingle(paths) << "\n"
        << "complete -o default -F _parawork parawork\n";
    return out.str();
}

std::string zshScript(const CLI::App& app) {
    return "#compdef parawork\n# parawork completion for zsh: eval \"$(parawork completion zsh)\"\n"
           "autoload -U +X bashcompinit && bashcompinit\n" +
           bashScript(app);
}

std::string fishScript(const CLI::App& app) {
    std::vector<Node> nodes;
    collect(&app, "", nodes);
    std::ostringstream out;
    out << "# parawork completion for fish: parawork completion fish | source\n";
    for (const auto& node : nodes) {
        // The condition: this node's words were typed, and none of its children yet.
        std::string cond;
        std::istringstream words(node.path);
        for (std::string w; words >> w;) cond += "__fish_seen_subcommand_from " + w + "; and ";
        auto children = subcommandNames(node.app);
        std::string notChild =
            children.empty() ? "" : "not __fish_seen_subcommand_from " + join(children);
        std::string base = node.path.empty() ? "__fish_use_subcommand" : cond + notChild;
        if (!base.empty() && base.ends_with("; and ")) base.resize(base.size() - 6);
        for (const auto* sub : node.app->get_subcommands([](const CLI::App*) { return true; }))
            out << "complete -c parawork -f -n " << quoteSingle(base) << " -a " << sub->get_name()
                << " -d " << quoteSingle(sub->get_description()) << "\n";
        for (const auto* opt : node.app->get_options()) {
            if (!opt->nonpositional()) continue;
            out << "complete -c parawork";
            if (!node.path.empty()) out << " -n " << quoteSingle(cond.substr(0, cond.size() - 6));
            for (const auto& s : opt->get_snames()) out << " -s " << s;
            for (const auto& l : opt->get_lnames()) out << " -l " << l;
            if (opt->get_type_size() != 0) out << " -r";
            out << " -d " << quoteSingle(opt->get_description()) << "\n";
        }
    }
    return out.str();
}

}  // namespace

void addCompletionCommand(CLI::App& app, Context& ctx) {
    auto shell = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand("completion", "Print a shell completion script");
    cmd->add_option("shell", *shell, "bash, zsh or fish")
        ->required()
        ->check(CLI::IsMember({"bash", "zsh", "fish"}));
    handle(cmd, ctx, [&app, shell] {
        if (*shell == "bash") std::cout << bashScript(app);
        if (*shell == "zsh") std::cout << zshScript(app);
        if (*shell == "fish") std::cout << fishScript(app);
        return 0;
    });
}

}  // namespace parawork::cli
