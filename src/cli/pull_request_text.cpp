#include "cli/pull_request_text.hpp"

namespace parawork::cli {

std::string pullRequestCell(const boost::json::object& workspace) {
    const auto* pr = workspace.if_contains("pullRequest");
    if (pr == nullptr || !pr->is_object()) return "-";
    const auto& o = pr->get_object();
    const auto* number = o.if_contains("number");
    const auto* state = o.if_contains("state");
    if (number == nullptr || !number->is_int64()) return "-";
    std::string cell = "#" + std::to_string(number->get_int64());
    if (state != nullptr && state->is_string()) cell += " " + std::string(state->get_string());
    return cell;
}

}  // namespace parawork::cli
