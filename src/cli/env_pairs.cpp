#include "cli/env_pairs.hpp"

#include "cli/context.hpp"

namespace parawork::cli {

std::map<std::string, std::string> parseEnv(const std::vector<std::string>& pairs) {
    std::map<std::string, std::string> env;
    for (const auto& pair : pairs) {
        auto eq = pair.find('=');
        if (eq == std::string::npos || eq == 0)
            throw CliError("-e " + pair + ": expected KEY=VALUE", "usage", "e.g. -e DEBUG=1",
                           kExitUsage);
        env[pair.substr(0, eq)] = pair.substr(eq + 1);
    }
    return env;
}

boost::json::object envObject(const std::vector<std::string>& pairs) {
    boost::json::object env;
    for (const auto& [k, v] : parseEnv(pairs)) env[k] = v;
    return env;
}

}  // namespace parawork::cli
