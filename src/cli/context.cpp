#include "cli/context.hpp"

#include <iostream>

#include <boost/json/serialize.hpp>

#include "cli/daemon_client.hpp"
#include "daemon/paths.hpp"

namespace parawork::cli {

namespace json = boost::json;

Context::Context() = default;
Context::~Context() = default;

daemon::Paths Context::paths() const {
    return daemon::resolvePaths(globals.homePath(), daemon::processEnv());
}

DaemonClient& Context::client() {
    if (!client_) {
        ConnectOptions options;
        options.home = globals.homePath();
        options.autostart = autostartAllowed();
        client_ = std::make_unique<DaemonClient>(DaemonClient::connect(paths(), options));
    }
    return *client_;
}

bool autostartAllowed() {
    auto env = daemon::processEnv()("PARAWORK_NO_AUTOSTART");
    return !env || env->empty() || *env == "0";
}

void printJson(const json::value& value) {
    std::cout << json::serialize(value) << "\n" << std::flush;
}

int printError(const Globals& g, const std::string& message, const std::string& code,
               const std::string& hint, int exitCode) {
    if (g.json) {
        printJson(json::object{{"error", message}, {"code", code}});
    } else {
        std::cerr << "parawork: " << message << "\n";
        if (!hint.empty()) std::cerr << "  hint: " << hint << "\n";
    }
    return exitCode;
}

int runGuarded(const Context& ctx, const std::function<int()>& body) {
    try {
        return body();
    } catch (const CliError& e) {
        return printError(ctx.globals, e.what(), e.code, e.hint, e.exitCode);
    } catch (const std::exception& e) {
        return printError(ctx.globals, e.what(), "error", {}, kExitFailure);
    }
}

}  // namespace parawork::cli
