#include "workspace/name_reservation.hpp"

#include <mutex>
#include <set>

#include "core/error.hpp"
#include "store/workspaces.hpp"

namespace parawork::workspace {
namespace {

std::mutex& heldMutex() {
    static std::mutex m;
    return m;
}

std::set<std::pair<std::string, std::string>>& held() {
    static std::set<std::pair<std::string, std::string>> names;
    return names;
}

}  // namespace

NameReservation NameReservation::take(store::Database& db, const std::string& repositoryId,
                                      const std::string& name) {
    std::lock_guard lock(heldMutex());
    bool taken = held().count({repositoryId, name}) > 0;
    for (const auto& other : store::listWorkspacesByRepository(db, repositoryId))
        taken = taken || other.name == name;
    if (taken)
        throw core::ServiceError(409, "A workspace named \"" + name +
                                          "\" already exists in this repository: choose another "
                                          "name, or remove that one first");
    held().insert({repositoryId, name});
    return NameReservation({repositoryId, name});
}

NameReservation::~NameReservation() {
    if (!key_) return;
    std::lock_guard lock(heldMutex());
    held().erase(*key_);
}

}  // namespace parawork::workspace
