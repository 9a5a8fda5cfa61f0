// The JSON of an activity, one shape for the session JSON, the session_state_changed event and
// every other edge: {state, waitingFor, reason, source, since} (docs/api.md, "Agent state").
#pragma once

#include <boost/json/object.hpp>

#include "core/activity.hpp"

namespace parawork::activity {

/// waitingFor and reason are null when there is none.
boost::json::object toJson(const core::Activity& activity);

}  // namespace parawork::activity
