// A workspace's pull request in a table cell (`ws ls`, `ps`): "#7 open", or "-" without one.
#pragma once

#include <string>

#include <boost/json/object.hpp>

namespace parawork::cli {

/// "#<number> <state>" of the workspace JSON's `pullRequest`; "-" when it is null or absent.
std::string pullRequestCell(const boost::json::object& workspace);

}  // namespace parawork::cli
