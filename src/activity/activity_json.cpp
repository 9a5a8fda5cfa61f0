#include "activity/activity_json.hpp"

namespace parawork::activity {

boost::json::object toJson(const core::Activity& a) {
    auto orNull = [](std::string_view text) -> boost::json::value {
        if (text.empty()) return nullptr;
        return boost::json::string(text);
    };
    return boost::json::object{{"state", core::toString(a.state)},
                               {"waitingFor", orNull(core::toString(a.waitingFor))},
                               {"reason", orNull(a.reason)},
                               {"source", core::toString(a.source)},
                               {"since", a.since}};
}

}  // namespace parawork::activity
