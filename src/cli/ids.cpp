#include "cli/ids.hpp"

#include "cli/context.hpp"
#include "cli/daemon_client.hpp"
#include "cli/output.hpp"

namespace parawork::cli {
namespace {

namespace json = boost::json;

std::string listOf(const std::vector<const Candidate*>& matches) {
    std::string out;
    for (const auto* c : matches)
        out += "\n  " + shortId(c->id) + (c->name.empty() ? "" : "  " + c->name);
    return out;
}

[[noreturn]] void ambiguous(const std::vector<const Candidate*>& matches, const std::string& arg,
                            const std::string& what) {
    throw CliError("\"" + arg + "\" names " + std::to_string(matches.size()) + " " + what +
                       "s:" + listOf(matches),
                   "ambiguous", "give more characters of the id");
}

std::string hintFor(const std::string& what) {
    if (what == "session") return "`parawork ps -a` lists sessions";
    if (what == "workspace") return "`parawork ws ls` lists workspaces";
    return "`parawork repo ls` lists repositories";
}

json::object resolveIn(const json::value& list, const std::string& arg, const std::string& what,
                       const char* nameField) {
    std::vector<Candidate> candidates;
    std::vector<const json::object*> objects;
    for (const auto& item : list.as_array()) {
        const auto& o = item.as_object();
        auto status = field(o, "status");
        candidates.push_back(
            {field(o, "id"), field(o, nameField), status == "running" || status == "starting"});
        objects.push_back(&o);
    }
    const auto& found = resolveCandidate(candidates, arg, what);
    return *objects[static_cast<std::size_t>(&found - candidates.data())];
}

}  // namespace

std::string field(const json::object& object, const char* name) {
    const auto* v = object.if_contains(name);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

const Candidate& resolveCandidate(const std::vector<Candidate>& candidates, const std::string& arg,
                                  const std::string& what) {
    if (arg.empty()) throw CliError("empty " + what + " id", "invalid", hintFor(what));
    for (const auto& c : candidates)
        if (c.id == arg) return c;
    std::vector<const Candidate*> named, activeNamed, prefixed;
    for (const auto& c : candidates) {
        if (c.name == arg) {
            named.push_back(&c);
            if (c.active) activeNamed.push_back(&c);
        }
        if (c.id.starts_with(arg)) prefixed.push_back(&c);
    }
    if (named.size() == 1) return *named.front();
    if (activeNamed.size() == 1) return *activeNamed.front();
    if (!named.empty()) ambiguous(named, arg, what);
    if (prefixed.size() == 1) return *prefixed.front();
    if (!prefixed.empty()) ambiguous(prefixed, arg, what);
    throw CliError("no " + what + " \"" + arg + "\"", "not_found", hintFor(what));
}

json::object resolveSession(DaemonClient& client, const std::string& arg) {
    return resolveIn(client.get("/api/sessions?all=1"), arg, "session", "name");
}

json::object resolveWorkspace(DaemonClient& client, const std::string& arg) {
    return resolveIn(client.get("/api/workspaces"), arg, "workspace", "name");
}

json::object resolveArchivedWorkspace(DaemonClient& client, const std::string& arg) {
    return resolveIn(client.get("/api/workspaces?archived=1"), arg, "archived workspace", "name");
}

json::object resolveRepository(DaemonClient& client, const std::string& arg) {
    return resolveIn(client.get("/api/repositories"), arg, "repository", "name");
}

}  // namespace parawork::cli
