#include "api/exec_routes.hpp"

#include <algorithm>
#include <memory>

#include "api/body_fields.hpp"
#include "api/service_answer.hpp"

namespace parawork::api {
namespace {

session::ExecRequest readExecRequest(const Request& req) {
    auto argv = optionalStringArray(req.json, "command");
    if (!argv) throw BadRequest("command: required, an array of strings (the argv)");
    session::ExecRequest request;
    request.argv = std::move(*argv);
    request.timeout = std::chrono::milliseconds(
        optionalInteger(req.json, "timeoutMs", 1, session::kMaxExecTimeoutMs)
            .value_or(session::kDefaultExecTimeoutMs));
    request.stdinData = optionalString(req.json, "stdin", 0, session::kMaxExecStdinBytes);
    request.env = optionalStringMap(req.json, "env").value_or(std::map<std::string, std::string>{});
    return request;
}

}  // namespace

void addExecRoutes(Router& router, session::ExecRunner& runner) {
    router.add("POST", "/api/sessions/:id/exec", [&runner](Request& req) {
        return answering([&] {
            auto request = readExecRequest(req);
            return ok(session::toJson(runner.inSession(req.params["id"], request)));
        });
    });
}

int execConcurrency(int workerThreads) {
    return std::clamp(workerThreads - 1, 1, 4);
}

}  // namespace parawork::api
