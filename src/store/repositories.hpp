// Queries of the repositories table (protocol §4.2, §13): registered git repositories.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/entities.hpp"
#include "store/database.hpp"

namespace parawork::store {

/// Inserts `repo` as given (the caller sets id and timestamps). Throws SQLite::Exception on a
/// constraint failure, e.g. a path that is already registered (check findRepositoryByPath first
/// to answer 409).
void insertRepository(Database& db, const core::Repository& repo);

std::optional<core::Repository> findRepository(Database& db, const std::string& id);

/// The repository registered with exactly this path string (no normalisation, as §4.2).
std::optional<core::Repository> findRepositoryByPath(Database& db, const std::string& path);

/// All repositories by name, ascending, in SQLite's binary (case-sensitive) collation (§4.2).
std::vector<core::Repository> listRepositories(Database& db);

/// The fields a PATCH may change; an empty optional leaves the field alone.
struct RepositoryPatch {
    std::optional<std::string> name;
    std::optional<std::string> defaultBranch;
    /// Outer empty: unchanged; inner empty: set to null.
    std::optional<std::optional<std::string>> remoteUrl;
};

/// Applies `patch` and returns the repository as it now is, or nullopt when there is none with
/// this id. updated_at becomes `now` only when some field really changed (§13).
std::optional<core::Repository> updateRepository(Database& db, const std::string& id,
                                                 const RepositoryPatch& patch,
                                                 std::int64_t now = core::nowMs());

/// Deletes the repository; its workspaces stay, with repositoryId set to null (ON DELETE SET
/// NULL). Returns false when there was no such repository.
bool deleteRepository(Database& db, const std::string& id);

}  // namespace parawork::store
