#include "support/session_api.hpp"

#include <signal.h>

#include <fstream>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace parawork::test {

namespace json = boost::json;

json::value SessionApi::call(const std::string& method, const std::string& target,
                             const std::string& body, unsigned* status) {
    api::Headers headers;
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    auto reply = client_.request(method, target, headers, body);
    if (status) *status = reply.status;
    return json::parse(reply.body);
}

std::string SessionApi::createWorkspace(const std::string& path) {
    static int counter = 0;
    auto res = call(
        "POST", "/api/workspaces",
        json::serialize(json::object{{"name", "ws" + std::to_string(++counter)}, {"path", path}}));
    if (!res.at("success").as_bool())
        throw core::Error("workspace refused: " + json::serialize(res));
    return std::string(res.at("data").at("id").as_string());
}

json::object SessionApi::start(const std::string& workspaceId, const std::vector<std::string>& argv,
                               const std::string& extraJson) {
    json::array command;
    for (const auto& a : argv) command.emplace_back(a);
    auto body = json::serialize(json::object{{"agentType", "command"}, {"command", command}});
    if (!extraJson.empty()) body = body.substr(0, body.size() - 1) + "," + extraJson + "}";
    auto res = call("POST", "/api/workspaces/" + workspaceId + "/sessions", body);
    if (!res.at("success").as_bool()) throw core::Error("start refused: " + json::serialize(res));
    return res.at("data").as_object();
}

json::object SessionApi::session(const std::string& id) {
    return call("GET", "/api/sessions/" + id).at("data").as_object();
}

json::object SessionApi::waitEnded(const std::string& id, std::chrono::milliseconds timeout) {
    auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto s = session(id);
        auto status = s.at("status").as_string();
        if (status == "completed" || status == "failed") return s;
        if (std::chrono::steady_clock::now() > until)
            throw core::Error("session did not end: " + json::serialize(s));
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

std::string SessionApi::output(const std::string& id) {
    std::string out;
    std::uint64_t offset = 0;
    for (;;) {
        auto data = call("GET", "/api/sessions/" + id + "/output?offset=" + std::to_string(offset))
                        .at("data");
        auto logs = data.at("logs").as_string();
        out.append(logs.data(), logs.size());
        auto next = data.at("nextOffset").to_number<std::uint64_t>();
        if (next == offset) return out;
        offset = next;
    }
}

std::string SessionApi::waitOutput(const std::string& id, const std::string& needle,
                                   std::chrono::milliseconds timeout) {
    // Reads on from where it was and looks at each new piece: a session that floods (`yes`)
    // must not keep the reader from ever reaching "the end" before it looks.
    auto until = std::chrono::steady_clock::now() + timeout;
    std::string out;
    std::uint64_t offset = 0;
    for (;;) {
        auto data = call("GET", "/api/sessions/" + id + "/output?offset=" + std::to_string(offset))
                        .at("data");
        auto logs = data.at("logs").as_string();
        std::size_t from = out.size() > needle.size() ? out.size() - needle.size() : 0;
        out.append(logs.data(), logs.size());
        if (out.find(needle, from) != std::string::npos) return out;
        if (std::chrono::steady_clock::now() > until)
            throw core::Error("output never contained '" + needle +
                              "'; got: " + out.substr(0, 4096));
        auto next = data.at("nextOffset").to_number<std::uint64_t>();
        if (next == offset) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        offset = next;
    }
}

bool processAlive(int pid) {
    if (::kill(pid, 0) != 0) return false;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    auto close = line.rfind(')');
    return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

}  // namespace parawork::test
