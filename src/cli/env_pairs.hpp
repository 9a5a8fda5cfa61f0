// `-e KEY=VALUE` flags (run, exec): the environment a command gets on top of the daemon's.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace parawork::cli {

/// KEY=VALUE pairs as a map (a later KEY wins). Throws CliError `usage` (exit 2) for a pair
/// without '=' or with an empty KEY.
std::map<std::string, std::string> parseEnv(const std::vector<std::string>& pairs);

/// The same as a JSON object of strings, for a request body.
boost::json::object envObject(const std::vector<std::string>& pairs);

}  // namespace parawork::cli
