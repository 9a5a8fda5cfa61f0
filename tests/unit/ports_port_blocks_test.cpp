// Port blocks: no overlaps, stable per workspace, busy ports skipped, restored blocks respected,
// exhaustion and bad configurations refused.
#include <string>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "ports/port_blocks.hpp"

namespace parawork::ports {
namespace {

TEST(PortBlocks, DefaultsAreDocumented) {
    PortBlockConfig config;
    EXPECT_EQ(config.first, 20000);
    EXPECT_EQ(config.size, 10);
    EXPECT_EQ(config.last, 32767);
}

TEST(PortBlocks, BlocksDoNotOverlap) {
    PortBlocks blocks;
    std::vector<PortBlock> given;
    for (int i = 0; i < 50; ++i) given.push_back(blocks.assign("ws" + std::to_string(i), {}));
    EXPECT_EQ(given[0], (PortBlock{20000, 10}));
    EXPECT_EQ(given[1], (PortBlock{20010, 10}));
    for (std::size_t i = 0; i < given.size(); ++i)
        for (std::size_t j = i + 1; j < given.size(); ++j)
            EXPECT_FALSE(given[i].overlaps(given[j])) << i << " " << j;
}

TEST(PortBlocks, AWorkspaceKeepsItsBlock) {
    PortBlocks blocks;
    PortBlock first = blocks.assign("a", {});
    blocks.assign("b", {});
    // Even when its own ports are now listening (its server is running).
    EXPECT_EQ(blocks.assign("a", {first.first}), first);
    ASSERT_NE(blocks.find("a"), nullptr);
    EXPECT_EQ(*blocks.find("a"), first);
    EXPECT_EQ(blocks.find("c"), nullptr);
}

TEST(PortBlocks, BlocksWithAListeningPortAreSkipped) {
    PortBlocks blocks;
    PortBlock block = blocks.assign("a", {20000 + 5, 20019, 19999});
    EXPECT_EQ(block, (PortBlock{20020, 10}));
}

TEST(PortBlocks, RestoredBlocksAreKeptAndAvoided) {
    PortBlocks blocks;
    blocks.restore("old", PortBlock{20005, 10});  // from an earlier, unaligned configuration
    EXPECT_EQ(blocks.assign("old", {}), (PortBlock{20005, 10}));
    EXPECT_EQ(blocks.assign("new", {}), (PortBlock{20020, 10}));
    EXPECT_THROW(blocks.restore("bad", PortBlock{65530, 10}), core::Error);
    EXPECT_THROW(blocks.restore("bad", PortBlock{20000, 0}), core::Error);
}

TEST(PortBlocks, AReleasedBlockIsReused) {
    PortBlocks blocks;
    blocks.assign("a", {});
    PortBlock b = blocks.assign("b", {});
    blocks.release("a");
    EXPECT_EQ(blocks.assign("c", {}), (PortBlock{20000, 10}));
    EXPECT_EQ(blocks.assign("b", {}), b);
    EXPECT_EQ(blocks.blocks().size(), 2u);
}

TEST(PortBlocks, ExhaustionIsAnError) {
    PortBlocks blocks(PortBlockConfig{.first = 30000, .last = 30029, .size = 10});
    blocks.assign("a", {});
    blocks.assign("b", {30025});  // 30025 is busy: the third block is unusable for now
    EXPECT_EQ(*blocks.find("b"), (PortBlock{30010, 10}));
    EXPECT_THROW(blocks.assign("c", {30025}), core::Error);
    EXPECT_EQ(blocks.find("c"), nullptr);
}

TEST(PortBlocks, TheLastPortsOfTheRangeAreUsable) {
    PortBlocks blocks(PortBlockConfig{.first = 65526, .last = 65535, .size = 10});
    EXPECT_EQ(blocks.assign("a", {}), (PortBlock{65526, 10}));
    EXPECT_EQ(blocks.find("a")->last(), 65535);
    EXPECT_THROW(blocks.assign("b", {}), core::Error);
}

TEST(PortBlocks, BadConfigurationsAreRefused) {
    EXPECT_THROW(PortBlocks(PortBlockConfig{.size = 0}), core::Error);
    EXPECT_THROW(PortBlocks(PortBlockConfig{.first = 0}), core::Error);
    EXPECT_THROW(PortBlocks(PortBlockConfig{.first = 100, .last = 50}), core::Error);
    EXPECT_THROW(PortBlocks(PortBlockConfig{.first = 100, .last = 105, .size = 10}), core::Error);
    EXPECT_NO_THROW(PortBlocks(PortBlockConfig{.first = 100, .last = 109, .size = 10}));
}

TEST(PortBlocks, Environment) {
    auto env = portBlockEnvironment(PortBlock{20010, 10});
    ASSERT_EQ(env.size(), 2u);
    EXPECT_EQ(env[0], (std::pair<std::string, std::string>{"PORT", "20010"}));
    EXPECT_EQ(env[1], (std::pair<std::string, std::string>{"PARAWORK_PORTS", "20010-20019"}));
}

}  // namespace
}  // namespace parawork::ports
