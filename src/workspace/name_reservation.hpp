// A repository's workspaces have distinct names, so that `-w NAME` and `ws rm NAME` name one.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "store/database.hpp"

namespace parawork::workspace {

/// A name held from the check until the workspace is recorded (a worktree is made in between):
/// of two requests for one name at once, one gets the workspace and one a 409.
class NameReservation {
  public:
    /// Takes `name` in the repository; throws core::ServiceError 409 when it is taken.
    static NameReservation take(store::Database& db, const std::string& repositoryId,
                                const std::string& name);
    NameReservation(NameReservation&& other) noexcept : key_(std::move(other.key_)) {
        other.key_.reset();
    }
    NameReservation& operator=(NameReservation&&) = delete;
    ~NameReservation();

  private:
    using Key = std::pair<std::string, std::string>;
    explicit NameReservation(Key key) : key_(std::move(key)) {}
    std::optional<Key> key_;
};

}  // namespace parawork::workspace
