// Unit tests of review::CheckpointService on a real repository: the checkpoint_created event,
// the refusals' statuses, commit through the service, askAgent through the injected messenger,
// and turnEnded, which never throws.
#include <gtest/gtest.h>

#include <mutex>

#include <boost/json/parse.hpp>

#include "core/error.hpp"
#include "git_fixture.hpp"
#include "review/checkpoint_service.hpp"
#include "store/workspaces.hpp"
#include "store_fixture.hpp"

namespace parawork::review {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using git::testing::writeFile;

constexpr const char* kWs = "5d0d7a4e-8f5f-4c1e-9a57-3b8e0c1f2a60";

class CheckpointServiceTest : public store::fixture::StoreTest {
  protected:
    void SetUp() override {
        repo_ = git::testing::makeRepo(sandbox_ / "repo");
        auto w = store::fixture::makeWorkspace(kWs);
        w.path = repo_.string();
        store::insertWorkspace(db_, w);
    }
    CheckpointServiceConfig config() {
        CheckpointServiceConfig c;
        c.publish = [this](const std::string& id, std::string event) {
            std::lock_guard lock(mutex_);
            events_.emplace_back(id, std::move(event));
        };
        c.tellAgent = [this](const std::string& id, const std::string& text) {
            told_.emplace_back(id, text);
            return std::string("session-1");
        };
        return c;
    }
    unsigned statusOf(const std::function<void()>& f) {
        try {
            f();
        } catch (const core::ServiceError& e) {
            return e.status;
        }
        return 0;
    }

    git::testing::Sandbox sandbox_;
    fs::path repo_;
    std::mutex mutex_;
    std::vector<std::pair<std::string, std::string>> events_;
    std::vector<std::pair<std::string, std::string>> told_;
};

TEST_F(CheckpointServiceTest, CreatingAnnouncesOnlyNewCheckpoints) {
    CheckpointService service(db_, config());
    writeFile(repo_ / "a.txt", "a\n");
    auto made = service.create(kWs, std::nullopt);
    EXPECT_TRUE(made.created);
    EXPECT_EQ(made.checkpoint.label, "manual");
    EXPECT_FALSE(service.create(kWs, "again").created);
    ASSERT_EQ(events_.size(), 1u);
    EXPECT_EQ(events_[0].first, kWs);
    auto event = json::parse(events_[0].second);
    EXPECT_EQ(event.at("type"), "checkpoint_created");
    EXPECT_EQ(event.at("data").at("checkpoint").at("id").as_string(), made.checkpoint.id);
    EXPECT_EQ(event.at("data").at("workspaceId"), kWs);
}

TEST_F(CheckpointServiceTest, Refusals) {
    CheckpointService service(db_, config());
    EXPECT_EQ(statusOf([&] { service.list("6d0d7a4e-8f5f-4c1e-9a57-3b8e0c1f2a60"); }), 404u);
    EXPECT_EQ(statusOf([&] { service.restore(kWs, "abcdef12"); }), 404u);
    EXPECT_EQ(statusOf([&] { service.diff(kWs, "../x", std::nullopt); }), 404u);
    EXPECT_EQ(statusOf([&] { service.create(kWs, std::string(2000, 'x')); }), 400u);
    EXPECT_EQ(statusOf([&] { service.commit(kWs, {}); }), 400u);
    EXPECT_EQ(statusOf([&] { service.commit(kWs, {.message = "clean"}); }), 409u);
    auto plain = store::fixture::makeWorkspace("7d0d7a4e-8f5f-4c1e-9a57-3b8e0c1f2a60");
    plain.path = (sandbox_ / "plain").string();
    fs::create_directories(plain.path);
    store::insertWorkspace(db_, plain);
    try {
        service.list(plain.id);
        FAIL();
    } catch (const core::ServiceError& e) {
        EXPECT_EQ(e.status, 400u);
        EXPECT_STREQ(e.what(), "Workspace is not a git repository");
    }
}

TEST_F(CheckpointServiceTest, CommitOrAskTheAgent) {
    CheckpointService service(db_, config());
    writeFile(repo_ / "a.txt", "a\n");
    auto asked = service.commit(kWs, {.message = "Add a", .askAgent = true});
    EXPECT_TRUE(asked.asked);
    EXPECT_EQ(asked.sessionId, "session-1");
    ASSERT_EQ(told_.size(), 1u);
    EXPECT_NE(told_[0].second.find("Add a"), std::string::npos);
    EXPECT_EQ(git::testing::git(repo_, {"status", "--porcelain"}), "?? a.txt\n");  // not committed

    auto done = service.commit(kWs, {.message = "Add a"});
    EXPECT_FALSE(done.asked);
    EXPECT_EQ(done.files, 1u);
    EXPECT_EQ(done.commit + "\n", git::testing::git(repo_, {"rev-parse", "HEAD"}));
}

TEST_F(CheckpointServiceTest, TurnEndedCheckpointsAndNeverThrows) {
    CheckpointService service(db_, config());
    writeFile(repo_ / "a.txt", "a\n");
    service.turnEnded(kWs);
    auto list = service.list(kWs);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].label, "turn end");
    EXPECT_NO_THROW(service.turnEnded("8d0d7a4e-8f5f-4c1e-9a57-3b8e0c1f2a60"));  // unknown
    fs::remove_all(repo_ / ".git");
    EXPECT_NO_THROW(service.turnEnded(kWs));  // no repository any more
}

TEST_F(CheckpointServiceTest, SnapshotIndexesAreKeptForTheMostRecentWorkspacesOnly) {
    // Changes as the file watcher would give them: one unbroken watch, nothing changed.
    auto c = config();
    c.changes = [this](const std::string& workspaceId) {
        auto w = store::findWorkspace(db_, workspaceId);
        return std::optional<git::WorkTreeChanges>(
            git::WorkTreeChanges{1, true, fs::canonical(w->path), {}});
    };
    CheckpointService service(db_, c);
    writeFile(repo_ / "a.txt", "a\n");
    service.create(kWs, std::nullopt);
    service.create(kWs, std::nullopt);
    EXPECT_EQ(service.snapshotCounts().everyFile, 1u);
    EXPECT_EQ(service.snapshotCounts().changedFiles, 1u);

    // As many other workspaces as are kept: the first one's index goes.
    for (std::size_t i = 0; i < kKeptSnapshotIndexes; ++i) {
        char id[40];
        std::snprintf(id, sizeof id, "5d0d7a4e-8f5f-4c1e-9a57-3b8e0c1f2a%02zu", i);
        fs::path other = git::testing::makeRepo(sandbox_ / id);
        auto w = store::fixture::makeWorkspace(id);
        w.path = other.string();
        store::insertWorkspace(db_, w);
        writeFile(other / "x.txt", "x\n");
        service.create(id, std::nullopt);
    }
    service.create(kWs, std::nullopt);
    EXPECT_EQ(service.snapshotCounts().everyFile, 2u + kKeptSnapshotIndexes);
    EXPECT_EQ(service.snapshotCounts().changedFiles, 1u);
}

}  // namespace
}  // namespace parawork::review
