#include "project/project_config.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>

#include <toml++/toml.h>
#include <boost/json.hpp>

#include "core/error.hpp"
#include "core/quantities.hpp"

namespace parawork::project {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxCopy = 1000;
constexpr std::size_t kMaxEnv = 500;
constexpr std::size_t kMaxPorts = 64;
constexpr std::size_t kMaxScriptBytes = 64 * 1024;

/// Where a problem is: "parawork.toml:3:5".
struct Place {
    std::string_view file;
    std::string at(const toml::source_region& where) const {
        return std::string(file) + ":" + std::to_string(where.begin.line) + ":" +
               std::to_string(where.begin.column);
    }
};

[[noreturn]] void fail(const Place& place, const toml::source_region& where, std::string_view key,
                       std::string_view problem) {
    throw core::Error(place.at(where) + ": " + std::string(key) + ": " + std::string(problem));
}

[[noreturn]] void fail(const Place& place, const toml::node& node, std::string_view key,
                       std::string_view problem) {
    fail(place, node.source(), key, problem);
}

std::string text(const Place& place, const toml::node& node, std::string_view key,
                 std::size_t maxBytes = 4096) {
    const auto* s = node.as_string();
    if (s == nullptr) fail(place, node, key, "expected a string");
    const std::string& value = s->get();
    if (value.size() > maxBytes)
        fail(place, node, key, "longer than " + std::to_string(maxBytes) + " bytes");
    if (value.find('\0') != std::string::npos) fail(place, node, key, "contains a NUL byte");
    return value;
}

std::vector<std::string> textList(const Place& place, const toml::node& node, std::string_view key,
                                  std::size_t maxItems) {
    const auto* array = node.as_array();
    if (array == nullptr) fail(place, node, key, "expected an array of strings");
    if (array->size() > maxItems)
        fail(place, node, key, "more than " + std::to_string(maxItems) + " items");
    std::vector<std::string> out;
    for (const toml::node& item : *array) {
        out.push_back(text(place, item, key));
        if (out.back().empty()) fail(place, item, key, "empty string");
    }
    return out;
}

/// A quantity written as a string ("2G") or, where it makes sense, a bare number.
template <class T>
T quantity(const Place& place, const toml::node& node, std::string_view key,
           std::optional<T> (*parse)(std::string_view), std::string_view expected) {
    std::string written;
    if (const auto* s = node.as_string())
        written = s->get();
    else if (const auto* i = node.as_integer())
        written = std::to_string(i->get());
    else if (const auto* f = node.as_floating_point())
        written = std::to_string(f->get());
    else
        fail(place, node, key, std::string("expected ") + std::string(expected));
    auto value = parse(written);
    if (!value) fail(place, node, key, std::string("expected ") + std::string(expected));
    return *value;
}

bool validEnvName(std::string_view name) {
    if (name.empty() || name.size() > 256 || std::isdigit(static_cast<unsigned char>(name[0])))
        return false;
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    return true;
}

using Reader = std::function<void(ProjectConfig&, const toml::node&, const std::string& key)>;

struct Section {
    std::string_view name;
    std::vector<std::pair<std::string_view, Reader>> keys;  ///< empty: a free-form table (env)
};

/// The schema. Built per parse: the readers capture the place for their messages.
std::vector<Section> sections(const Place& p) {
    return {
        {"worktree",
         {{"copy", [&p](ProjectConfig& c, const toml::node& n,
                        const std::string& k) { c.copy = textList(p, n, k, kMaxCopy); }}}},
        {"env", {}},
        {"run",
         {{"command",
           [&p](ProjectConfig& c, const toml::node& n, const std::string& k) {
               auto argv = textList(p, n, k, 4096);
               if (argv.empty()) fail(p, n, k, "expected a non-empty array (an argv)");
               c.command = std::move(argv);
           }},
          {"ports",
           [&p](ProjectConfig& c, const toml::node& n, const std::string& k) {
               const auto* array = n.as_array();
               if (array == nullptr || array->size() > kMaxPorts)
                   fail(p, n, k, "expected an array of at most 64 port numbers");
               for (const toml::node& item : *array) {
                   const auto* port = item.as_integer();
                   if (port == nullptr || port->get() < 1 || port->get() > 65535)
                       fail(p, item, k, "expected a port number 1-65535");
                   c.ports.push_back(static_cast<int>(port->get()));
               }
           }}}},
        {"limits",
         {{"memory",
           [&p](ProjectConfig& c, const toml::node& n, const std::string& k) {
               c.limits.memoryBytes =
                   quantity<std::uint64_t>(p, n, k, core::parseBytes, "a size such as \"2G\"");
           }},
          {"cpu",
           [&p](ProjectConfig& c, const toml::node& n, const std::string& k) {
               c.limits.cpuPercent = quantity<double>(p, n, k, core::parseCpuPercent,
                                                      "a CPU share such as \"150%\" or 1.5");
           }},
          {"timeout",
           [&p](ProjectConfig& c, const toml::node& n, const std::string& k) {
               c.limits.timeoutMs = quantity<std::int64_t>(p, n, k, core::parseDurationMs,
                                                           "a duration such as \"2h\"");
           }},
          {"pids",
           [&p](ProjectConfig& c, const toml::node& n, const std::string& k) {
               const auto* i = n.as_integer();
               if (i == nullptr || i->get() < 1 || i->get() > 4'194'304)
                   fail(p, n, k, "expected a number of processes 1-4194304");
               c.limits.pids = i->get();
           }}}},
        {"setup",
         {{"script",
           [&p](ProjectConfig& c, const toml::node& n, const std::string& k) {
               c.setupScript = text(p, n, k, kMaxScriptBytes);
           }},
          {"timeout",
           [&p](ProjectConfig& c, const toml::node& n, const std::string& k) {
               c.setupTimeoutMs = quantity<std::int64_t>(p, n, k, core::parseDurationMs,
                                                         "a duration such as \"10m\"");
           }}}},
        {"review",
         {{"merge_mode",
           [&p](ProjectConfig& c, const toml::node& n, const std::string& k) {
               std::string mode = text(p, n, k, 16);
               if (mode != "ff" && mode != "merge" && mode != "squash")
                   fail(p, n, k, "expected \"ff\", \"merge\" or \"squash\"");
               c.mergeMode = std::move(mode);
           }}}},
    };
}

std::string knownKeys(const Section& section) {
    std::string out;
    for (const auto& [key, reader] : section.keys)
        out += (out.empty() ? "" : ", ") + std::string(section.name) + "." + std::string(key);
    return out;
}

std::string knownSections(const std::vector<Section>& table) {
    std::string out;
    for (const Section& s : table) out += (out.empty() ? "[" : ", [") + std::string(s.name) + "]";
    return out;
}

void readEnv(ProjectConfig& config, const Place& place, const toml::table& env) {
    if (env.size() > kMaxEnv) fail(place, env, "env", "more than 500 variables");
    for (const auto& [name, value] : env) {
        std::string key = "env." + std::string(name.str());
        if (!validEnvName(name.str()))
            fail(place, value, key, "expected a variable name of letters, digits and _");
        config.env[std::string(name.str())] = text(place, value, key, 64 * 1024);
    }
}

json::array stringArray(const std::vector<std::string>& items) {
    json::array out;
    for (const auto& item : items) out.emplace_back(item);
    return out;
}

}  // namespace

ProjectConfig parseProjectConfig(std::string_view source, std::string_view fileName) {
    Place place{fileName};
    toml::table root;
    try {
        root = toml::parse(source, fileName);
    } catch (const toml::parse_error& e) {
        throw core::Error(place.at(e.source()) + ": syntax error: " + std::string(e.description()));
    }
    ProjectConfig config;
    const auto table = sections(place);
    for (const auto& [sectionKey, sectionNode] : root) {
        std::string name(sectionKey.str());
        const Section* section = nullptr;
        for (const Section& s : table)
            if (s.name == name) section = &s;
        if (section == nullptr)
            fail(place, sectionKey.source(), name,
                 "unknown section; parawork.toml has " + knownSections(table));
        const toml::table* values = sectionNode.as_table();
        if (values == nullptr) fail(place, sectionNode, name, "expected a section [" + name + "]");
        if (section->keys.empty()) {
            readEnv(config, place, *values);
            continue;
        }
        for (const auto& [leaf, node] : *values) {
            std::string key = name + "." + std::string(leaf.str());
            const Reader* reader = nullptr;
            for (const auto& [k, r] : section->keys)
                if (k == leaf.str()) reader = &r;
            if (reader == nullptr)
                fail(place, leaf.source(), key,
                     "unknown setting; [" + name + "] has " + knownKeys(*section));
            (*reader)(config, node, key);
        }
    }
    return config;
}

std::optional<ProjectConfig> readProjectConfig(const std::filesystem::path& dir) {
    auto file = dir / kFileName;
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
        core::throwErrno("cannot read " + file.string());
    }
    if (!S_ISREG(st.st_mode)) throw core::Error(file.string() + " is not a regular file");
    if (static_cast<std::size_t>(st.st_size) > kMaxFileBytes)
        throw core::Error(file.string() + " is larger than 256 KiB");
    std::ifstream in(file, std::ios::binary);
    if (!in) core::throwErrno("cannot read " + file.string());
    std::string text(std::istreambuf_iterator<char>(in), {});
    return parseProjectConfig(text, std::string(kFileName));
}

json::value toJson(const ProjectConfig& c) {
    json::object out;
    out["copy"] = stringArray(c.copy);
    json::object env;
    for (const auto& [k, v] : c.env) env[k] = v;
    out["env"] = std::move(env);
    if (c.command) out["command"] = stringArray(*c.command);
    json::array ports;
    for (int p : c.ports) ports.emplace_back(p);
    out["ports"] = std::move(ports);
    json::object limits;
    if (c.limits.memoryBytes) limits["memoryBytes"] = *c.limits.memoryBytes;
    if (c.limits.cpuPercent) limits["cpuPercent"] = *c.limits.cpuPercent;
    if (c.limits.timeoutMs) limits["timeoutMs"] = *c.limits.timeoutMs;
    if (c.limits.pids) limits["pids"] = *c.limits.pids;
    out["limits"] = std::move(limits);
    if (c.setupScript || c.setupTimeoutMs) {
        json::object setup;
        if (c.setupScript) setup["script"] = *c.setupScript;
        if (c.setupTimeoutMs) setup["timeoutMs"] = *c.setupTimeoutMs;
        out["setup"] = std::move(setup);
    }
    if (c.mergeMode) out["review"] = json::object{{"mergeMode", *c.mergeMode}};
    return out;
}

ProjectConfig projectConfigFromJson(const json::value& value) {
    try {
        const json::object& o = value.as_object();
        ProjectConfig c;
        if (auto* copy = o.if_contains("copy"))
            for (const auto& item : copy->as_array()) c.copy.emplace_back(item.as_string());
        if (auto* env = o.if_contains("env"))
            for (const auto& [k, v] : env->as_object()) c.env[std::string(k)] = v.as_string();
        if (auto* command = o.if_contains("command")) {
            c.command.emplace();
            for (const auto& item : command->as_array()) c.command->emplace_back(item.as_string());
        }
        if (auto* ports = o.if_contains("ports"))
            for (const auto& p : ports->as_array())
                c.ports.push_back(static_cast<int>(p.as_int64()));
        if (auto* limits = o.if_contains("limits")) {
            const auto& l = limits->as_object();
            if (auto* v = l.if_contains("memoryBytes"))
                c.limits.memoryBytes = v->to_number<std::uint64_t>();
            if (auto* v = l.if_contains("cpuPercent")) c.limits.cpuPercent = v->to_number<double>();
            if (auto* v = l.if_contains("timeoutMs"))
                c.limits.timeoutMs = v->to_number<std::int64_t>();
            if (auto* v = l.if_contains("pids")) c.limits.pids = v->to_number<std::int64_t>();
        }
        if (auto* setup = o.if_contains("setup")) {
            const auto& s = setup->as_object();
            if (auto* v = s.if_contains("script")) c.setupScript = std::string(v->as_string());
            if (auto* v = s.if_contains("timeoutMs"))
                c.setupTimeoutMs = v->to_number<std::int64_t>();
        }
        if (auto* review = o.if_contains("review"))
            if (auto* v = review->as_object().if_contains("mergeMode"))
                c.mergeMode = std::string(v->as_string());
        return c;
    } catch (const std::exception& e) {
        throw core::Error(std::string("stored project config is damaged: ") + e.what());
    }
}

}  // namespace parawork::project
