// Routes call the services (session::SessionService, workspace::WorkspaceService): a refusal
// they throw becomes the parawork envelope's failure with its status.
#pragma once

#include <utility>

#include "api/http_types.hpp"
#include "core/error.hpp"

namespace parawork::api {

/// `call()`'s response, or `fail(status, message)` for the core::ServiceError it throws.
template <class Call>
Response answering(Call&& call) {
    try {
        return std::forward<Call>(call)();
    } catch (const core::ServiceError& e) {
        return fail(e.status, e.what());
    }
}

}  // namespace parawork::api
