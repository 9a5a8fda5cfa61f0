#include "review/branch_json.hpp"

#include <boost/json/value_from.hpp>

namespace parawork::review {

namespace json = boost::json;

json::array stringArray(const std::vector<std::string>& items) {
    json::array out;
    for (const auto& item : items) out.emplace_back(item);
    return out;
}

json::value nullable(const std::string& text) {
    return text.empty() ? json::value(nullptr) : json::value(text);
}

json::object toJson(const BranchStatus& s) {
    json::value sync = nullptr;
    if (s.sync)
        sync = json::object{{"method", git::toString(s.sync->method)},
                            {"conflictedFiles", stringArray(s.sync->conflictedFiles)}};
    return json::object{
        {"branch", s.branch},
        {"base", s.base},
        {"baseCommit", s.standing.baseCommit},
        {"head", nullable(s.standing.head)},
        {"ahead", s.standing.ahead},
        {"behind", s.standing.behind},
        {"fetched", s.standing.fetched},
        {"fetchError", json::value_from(s.standing.fetchError)},
        {"uncommittedFiles", s.uncommittedFiles},
        {"sync", std::move(sync)},
    };
}

json::object toJson(const MergeAnswer& a) {
    return json::object{{"merged", true},
                        {"mode", git::toString(a.outcome.mode)},
                        {"base", a.base},
                        {"baseCommit", a.outcome.baseCommit},
                        {"previousBaseCommit", a.outcome.previousBaseCommit}};
}

}  // namespace parawork::review
