// config.toml: applying a file to the settings (every error names file:line:column, the key and
// what was expected, with a suggestion for a near miss) and generating the defaults file from
// the settings table.
#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <type_traits>
#include <utility>

#include <toml++/toml.h>

#include "core/agents.hpp"
#include "core/error.hpp"
#include "daemon/config_settings.hpp"

namespace parawork::daemon {
namespace config_table {
namespace {

namespace fs = std::filesystem;

template <class T>
std::string streamed(const T& value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

std::string describe(const toml::node& node) {
    if (auto* s = node.as_string()) return quote(s->get());
    if (auto* i = node.as_integer()) return std::to_string(i->get());
    if (auto* f = node.as_floating_point()) return streamed(f->get());
    if (auto* b = node.as_boolean()) return b->get() ? "true" : "false";
    if (node.is_array()) return "an array";
    if (node.is_table()) return "a table";
    return "a date/time";
}

std::string location(const fs::path& file, const toml::source_region& where) {
    return file.string() + ":" + std::to_string(where.begin.line) + ":" +
           std::to_string(where.begin.column);
}

void assignNode(Config& config, const Setting& s, const toml::node& node, const GetEnv& env,
                const std::string& where) {
    std::string got = describe(node);
    if (s.kind == Kind::Integer && node.is_integer())
        return assign(config, s, node.as_integer()->get(), env, where, got);
    if (s.kind == Kind::Text && node.is_string())
        return assign(config, s, node.as_string()->get(), env, where, got);
    if (s.kind == Kind::Boolean && node.is_boolean())
        return assign(config, s, node.as_boolean()->get(), env, where, got);
    if (s.kind == Kind::TextList && node.is_array()) {
        std::vector<std::string> items;
        for (const toml::node& item : *node.as_array()) {
            if (!item.is_string())
                fail(where, s.key, expectation(s) + ", got an item " + describe(item));
            items.push_back(item.as_string()->get());
        }
        return assign(config, s, std::move(items), env, where, got);
    }
    fail(where, s.key, expectation(s) + ", got " + got);
}

/// An array of strings, or a failure naming `key`.
std::vector<std::string> stringList(const toml::node& value, const fs::path& file,
                                    const std::string& key) {
    std::vector<std::string> out;
    const toml::array* array = value.as_array();
    if (array == nullptr) fail(location(file, value.source()), key, "expected an array of strings");
    for (const toml::node& item : *array) {
        if (!item.is_string())
            fail(location(file, item.source()), key, "expected an array of strings");
        out.push_back(item.as_string()->get());
    }
    return out;
}

/// The profile of agent `name`: a built-in one, or a new one added (enabled, no command yet).
core::AgentProfile& agentProfile(Config& config, std::string_view name) {
    for (auto& p : config.agents)
        if (p.name == name) return p;
    config.agents.push_back(
        core::AgentProfile{std::string(name), "", {}, core::PromptMode::None, "", {}, true});
    return config.agents.back();
}

/// One `leaf = value` of an [agents.<name>] table (`key` is its dotted name).
void applyAgentSetting(core::AgentProfile& profile, const toml::key& leaf, const toml::node& value,
                       const fs::path& file, const std::string& key) {
    std::string where = location(file, value.source());
    if (leaf.str() == "command") {
        if (!value.is_string() || value.as_string()->get().empty())
            fail(where, key, "expected a command name or absolute path");
        profile.command = value.as_string()->get();
    } else if (leaf.str() == "args") {
        profile.args = stringList(value, file, key);
    } else if (leaf.str() == "resume_args") {
        profile.resumeArgs = stringList(value, file, key);
    } else if (leaf.str() == "prompt") {
        auto mode =
            value.is_string() ? core::parsePromptMode(value.as_string()->get()) : std::nullopt;
        if (!mode) fail(where, key, "expected one of none, argument, flag, type");
        profile.promptMode = *mode;
    } else if (leaf.str() == "prompt_flag") {
        if (!value.is_string() || !value.as_string()->get().starts_with('-'))
            fail(where, key, "expected a flag such as \"--prompt\"");
        profile.promptFlag = value.as_string()->get();
    } else if (leaf.str() == "enabled") {
        if (!value.is_boolean()) fail(where, key, "expected true or false");
        profile.enabled = value.as_boolean()->get();
    } else {
        fail(location(file, leaf.source()), key,
             "unknown setting; an agent has command, args, prompt, prompt_flag, resume_args "
             "and enabled");
    }
}

/// One [agents.<name>] table: changes a built-in profile or adds one (which needs a command).
void applyAgent(Config& config, std::string_view name, const toml::node& node,
                const fs::path& file) {
    std::string key = "agents." + std::string(name);
    if (auto problem = core::agentNameProblem(name))
        fail(location(file, node.source()), key, "an agent name " + *problem);
    const toml::table* table = node.as_table();
    if (table == nullptr)
        fail(location(file, node.source()), key, "expected a table [" + key + "]");
    core::AgentProfile& profile = agentProfile(config, name);
    for (const auto& [leaf, value] : *table)
        applyAgentSetting(profile, leaf, value, file, key + "." + std::string(leaf.str()));
    std::string where = location(file, node.source());
    if (profile.command.empty()) fail(where, key, "a new agent needs a command");
    if (profile.promptMode == core::PromptMode::Flag && profile.promptFlag.empty())
        fail(where, key, "prompt = \"flag\" needs a prompt_flag");
}

void applyTable(Config& config, const toml::table& root, const fs::path& file, const GetEnv& env) {
    for (const auto& [sectionKey, sectionNode] : root) {
        std::string section(sectionKey.str());
        if (section == "agents" && sectionNode.is_table()) {
            for (const auto& [name, agent] : *sectionNode.as_table())
                applyAgent(config, name.str(), agent, file);
            continue;
        }
        if (!isSection(section))
            fail(location(file, sectionKey.source()), section,
                 "unknown setting" + suggestion(section) + "; settings live in the sections " +
                     sectionList());
        const toml::table* table = sectionNode.as_table();
        if (table == nullptr)
            fail(location(file, sectionNode.source()), section,
                 "expected a section [" + section + "], got " + describe(sectionNode));
        for (const auto& [leaf, node] : *table) {
            std::string key = section + "." + std::string(leaf.str());
            const Setting* s = findSetting(key);
            if (s == nullptr)
                fail(location(file, leaf.source()), key, "unknown setting" + suggestion(key));
            assignNode(config, *s, node, env, location(file, node.source()));
        }
    }
}

/// The file's text, or nullopt when it does not exist. Bounded: a config file is small.
std::optional<std::string> readConfigText(const fs::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) {
        if (errno == ENOENT) return std::nullopt;
        core::throwErrno("cannot read config file " + file.string());
    }
    if (!S_ISREG(st.st_mode))
        throw core::Error("config file " + file.string() + " is not a regular file");
    if (st.st_size > kMiB)
        throw core::Error("config file " + file.string() + " is larger than 1 MiB");
    std::ifstream in(file, std::ios::binary);
    if (!in) core::throwErrno("cannot read config file " + file.string());
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

void applyFile(Config& config, const fs::path& file, const GetEnv& env) {
    auto text = readConfigText(file);
    if (!text) return;
    toml::table root;
    try {
        root = toml::parse(*text, file.string());
    } catch (const toml::parse_error& e) {
        throw core::Error(location(file, e.source()) +
                          ": syntax error: " + std::string(e.description()));
    }
    applyTable(config, root, file, env);
}

}  // namespace config_table

namespace {

using namespace config_table;

std::string renderValue(std::string_view leaf, const Value& value) {
    toml::table t;
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                toml::array a;
                for (const auto& item : v) a.push_back(item);
                t.insert(leaf, std::move(a));
            } else {
                t.insert(leaf, v);
            }
        },
        value);
    return streamed(t);
}

/// `text` as "# " comment lines of at most ~100 columns.
std::string commentLines(std::string_view text) {
    std::string out, line = "#";
    std::istringstream words{std::string(text)};
    for (std::string word; words >> word;) {
        if (line.size() + 1 + word.size() > 98) out += line + "\n", line = "#";
        line += " " + word;
    }
    return out + line + "\n";
}

}  // namespace

std::string defaultConfigToml() {
    const Config defaults;
    std::string out =
        "# parawork configuration: config.toml\n"
        "# Every setting with its default value (`parawork config defaults` prints this file).\n"
        "# Precedence: defaults < this file < PARAWORK_* environment variables < flags.\n"
        "# Unknown keys are errors, so a typo never goes unnoticed.\n";
    std::string_view section;
    for (const Setting& s : settings()) {
        if (sectionOf(s.key) != section) {
            section = sectionOf(s.key);
            out += "\n[" + std::string(section) + "]\n";
        }
        out += "\n" + commentLines(s.doc) + "# env: " + envVarFor(s.key) +
               (s.kind == Kind::TextList ? " (comma-separated)\n" : "\n");
        if (auto value = s.get(defaults))
            out += renderValue(leafOf(s.key), *value) + "\n";
        else if (s.kind == Kind::Integer)
            out += "# " + std::string(leafOf(s.key)) + " = " + std::string(s.unsetExample) + "\n";
        else
            out += "# " + renderValue(leafOf(s.key), std::string(s.unsetExample)) + "\n";
    }
    out += "\n" + commentLines(
                      "Agent profiles. A table changes a built-in agent or adds one. command: "
                      "the program (looked up on PATH); args: arguments before the prompt; "
                      "prompt: how the initial prompt reaches the agent (argument, flag, type "
                      "— typed into its terminal — or none); prompt_flag: the flag for "
                      "prompt = \"flag\"; resume_args: added to resume the agent's previous "
                      "conversation; enabled. Not settable from the environment.");
    for (const auto& agent : defaults.agents) {
        toml::table t;
        t.insert("command", agent.command);
        toml::array args, resume;
        for (const auto& a : agent.args) args.push_back(a);
        for (const auto& a : agent.resumeArgs) resume.push_back(a);
        t.insert("args", std::move(args));
        t.insert("prompt", std::string(core::toString(agent.promptMode)));
        if (!agent.promptFlag.empty()) t.insert("prompt_flag", agent.promptFlag);
        t.insert("resume_args", std::move(resume));
        t.insert("enabled", agent.enabled);
        out += "\n[agents." + agent.name + "]\n" + streamed(t) + "\n";
    }
    return out;
}

}  // namespace parawork::daemon
