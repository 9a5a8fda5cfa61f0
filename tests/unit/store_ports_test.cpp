// Port blocks and declared ports in the store.
#include <gtest/gtest.h>

#include "store/ports.hpp"
#include "store/sessions.hpp"
#include "store/workspaces.hpp"
#include "unit/store_fixture.hpp"

namespace parawork::store {
namespace {

using fixture::makeSession;
using fixture::makeWorkspace;

class StorePorts : public fixture::StoreTest {
  protected:
    void SetUp() override {
        insertWorkspace(db_, makeWorkspace("w1"));
        insertWorkspace(db_, makeWorkspace("w2"));
        insertSession(db_, makeSession("s1", "w1", core::SessionStatus::Running, 1000));
    }
};

TEST_F(StorePorts, BlocksAreKeptPerWorkspaceAndReplaced) {
    EXPECT_TRUE(listPortBlocks(db_).empty());
    savePortBlock(db_, "w1", {20000, 10});
    savePortBlock(db_, "w2", {20010, 10});
    savePortBlock(db_, "w2", {20020, 5});
    auto blocks = listPortBlocks(db_);
    ASSERT_EQ(blocks.size(), 2u);
    EXPECT_EQ(blocks["w1"].first, 20000);
    EXPECT_EQ(blocks["w2"].first, 20020);
    EXPECT_EQ(blocks["w2"].size, 5);
}

TEST_F(StorePorts, ABlockNeedsItsWorkspaceAndGoesWithIt) {
    EXPECT_THROW(savePortBlock(db_, "nope", {20000, 10}), std::exception);
    savePortBlock(db_, "w2", {20010, 10});
    deleteWorkspace(db_, "w2");
    EXPECT_TRUE(listPortBlocks(db_).empty());
}

TEST_F(StorePorts, DeclaredPortsAreSortedAndUnique) {
    saveDeclaredPorts(db_, "s1", {8000, 5173, 8000});
    EXPECT_EQ(declaredPorts(db_, "s1"), (std::vector<std::uint16_t>{5173, 8000}));
    EXPECT_TRUE(declaredPorts(db_, "other").empty());
    EXPECT_THROW(saveDeclaredPorts(db_, "nope", {80}), std::exception);
    saveDeclaredPorts(db_, "s1", {});
    EXPECT_EQ(declaredPorts(db_, "s1").size(), 2u);
}

}  // namespace
}  // namespace parawork::store
