// Shared by the store's entity tests: a fresh migrated database in a temporary directory, and
// builders for rows that the tests fill in further.
#pragma once

#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "core/entities.hpp"
#include "store/database.hpp"
#include "unit_support/temp_dir.hpp"

namespace parawork::store::fixture {

using test::TempDir;

class StoreTest : public ::testing::Test {
  protected:
    TempDir dir_;
    Database db_ = Database::open(dir_.path() / "parawork.db");
};

inline core::Repository makeRepository(std::string id, std::string name, std::int64_t at = 1000) {
    core::Repository r;
    r.id = std::move(id);
    r.name = std::move(name);
    r.path = "/src/" + r.id;
    r.createdAt = r.updatedAt = at;
    return r;
}

inline core::Workspace makeWorkspace(std::string id, std::int64_t createdAt = 1000) {
    core::Workspace w;
    w.id = std::move(id);
    w.name = "ws " + w.id;
    w.path = "/work/" + w.id;
    w.createdAt = w.updatedAt = createdAt;
    return w;
}

inline core::Session makeSession(std::string id, std::string workspaceId,
                                 core::SessionStatus status, std::int64_t startedAt) {
    core::Session s;
    s.id = std::move(id);
    s.workspaceId = std::move(workspaceId);
    s.agentType = "claude-code";
    s.status = status;
    s.startedAt = startedAt;
    return s;
}

inline core::Message makeMessage(std::string id, std::string sessionId, std::string content,
                                 std::int64_t timestamp) {
    return {std::move(id), std::move(sessionId), core::MessageRole::User, std::move(content),
            timestamp};
}

}  // namespace parawork::store::fixture
