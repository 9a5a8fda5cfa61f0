// Socket owners: real forked trees; a grandchild's listener belongs to its tree and to no other;
// an inherited listener belongs to every process holding it; the plain parsers and tree walk.
#include <sys/prctl.h>

#include <algorithm>

#include <gtest/gtest.h>

#include "ports/socket_owners.hpp"
#include "unit/ports_fixture.hpp"

namespace parawork::ports {
namespace {

using test::ProcessTree;
using test::TestSocket;

const OwnedSocket* findInode(const TreeSockets& tree, std::uint64_t inode) {
    for (const auto& s : tree.sockets)
        if (s.socket.inode == inode) return &s;
    return nullptr;
}

std::vector<ListeningSocket> listening() {
    return listeningSockets().sockets;
}

TEST(SocketOwners, AGrandchildsListenerBelongsToItsTreeOnly) {
    ProcessTree serving(/*grandchildListens=*/true);
    ProcessTree idle(/*grandchildListens=*/false);
    ASSERT_TRUE(serving.ready() && idle.ready());
    // Opened after the forks, so no child inherits it: the test process's own listener.
    TestSocket mine(AF_INET);
    ASSERT_TRUE(mine.ok());

    auto trees = listeningSocketsByTree({serving.root(), idle.root()}, listening());
    ASSERT_EQ(trees.size(), 2u);
    EXPECT_EQ(trees[0].root, serving.root());
    EXPECT_EQ(trees[1].root, idle.root());

    const OwnedSocket* owned = findInode(trees[0], serving.listener().inode);
    ASSERT_NE(owned, nullptr);
    EXPECT_EQ(owned->socket.port, serving.listener().port);
    EXPECT_EQ(owned->socket.address, "127.0.0.1");
    EXPECT_EQ(owned->pids, std::vector<pid_t>{serving.listener().pid});
    EXPECT_EQ(findInode(trees[0], mine.inode()), nullptr);

    EXPECT_TRUE(trees[1].sockets.empty());
}

TEST(SocketOwners, AnInheritedListenerBelongsToEveryHolder) {
    TestSocket inherited(AF_INET);
    ASSERT_TRUE(inherited.ok());
    ProcessTree child(/*grandchildListens=*/false);  // inherits `inherited` across fork
    ASSERT_TRUE(child.ready());

    auto trees = listeningSocketsByTree({child.root(), ::getpid()}, listening());
    const OwnedSocket* inChild = findInode(trees[0], inherited.inode());
    ASSERT_NE(inChild, nullptr);
    EXPECT_EQ(inChild->pids, std::vector<pid_t>{child.root()});

    const OwnedSocket* inOurs = findInode(trees[1], inherited.inode());
    ASSERT_NE(inOurs, nullptr);
    std::vector<pid_t> both{::getpid(), child.root()};
    std::sort(both.begin(), both.end());
    EXPECT_EQ(inOurs->pids, both);
}

TEST(SocketOwners, AClosedListenerIsNoLongerOwned) {
    TestSocket listener(AF_INET);
    ASSERT_TRUE(listener.ok());
    std::uint64_t inode = listener.inode();
    EXPECT_NE(findInode(listeningSocketsByTree({::getpid()}, listening())[0], inode), nullptr);
    listener.close();
    EXPECT_EQ(findInode(listeningSocketsByTree({::getpid()}, listening())[0], inode), nullptr);
}

TEST(SocketOwners, AnExitedRootOwnsNothing) {
    pid_t gone = ::fork();
    if (gone == 0) ::_exit(0);
    ASSERT_GT(gone, 0);
    ::waitpid(gone, nullptr, 0);
    TestSocket listener(AF_INET);
    ASSERT_TRUE(listener.ok());
    auto trees = listeningSocketsByTree({gone}, listening());
    ASSERT_EQ(trees.size(), 1u);
    EXPECT_TRUE(trees[0].sockets.empty());
}

TEST(SocketOwners, NoListenersMeansNoScan) {
    auto trees = listeningSocketsByTree({::getpid()}, {});
    ASSERT_EQ(trees.size(), 1u);
    EXPECT_TRUE(trees[0].sockets.empty());
}

TEST(SocketOwners, OwnSocketInodesAreRead) {
    TestSocket listener(AF_INET);
    ASSERT_TRUE(listener.ok());
    auto inodes = socketInodesOf(::getpid());
    EXPECT_NE(std::find(inodes.begin(), inodes.end(), listener.inode()), inodes.end());
    EXPECT_TRUE(socketInodesOf(0).empty());
}

TEST(SocketOwners, ParentTableSeesOurChild) {
    ProcessTree child(/*grandchildListens=*/true);
    ASSERT_TRUE(child.ready());
    ParentTable table = readParentTable();
    ASSERT_TRUE(table.contains(child.root()));
    EXPECT_EQ(table.at(child.root()), ::getpid());
    EXPECT_EQ(table.at(child.listener().pid), child.root());
    auto tree = processTree(table, child.root());
    EXPECT_EQ(tree, (std::vector<pid_t>{child.root(), child.listener().pid}));
}

TEST(SocketOwners, ParentPidParsing) {
    EXPECT_EQ(parseParentPid("123 (bash) S 45 123 123 0 -1 4194560"), 45);
    EXPECT_EQ(parseParentPid("123 (a) b) S 7 1 1"), 7);  // ')' and spaces in comm
    EXPECT_EQ(parseParentPid("1 (init) S 0 1 1"), 0);
    EXPECT_EQ(parseParentPid(""), -1);
    EXPECT_EQ(parseParentPid("123 (x"), -1);
    EXPECT_EQ(parseParentPid("123 (x) S"), -1);
    EXPECT_EQ(parseParentPid("123 (x) S abc"), -1);
}

TEST(SocketOwners, ACommWithParenthesesIsParsedFromProc) {
    ProcessTree child(/*grandchildListens=*/false);
    ASSERT_TRUE(child.ready());
    // Our own name, changed for the duration of the test: comm is per thread.
    char saved[17] = {};
    ::prctl(PR_GET_NAME, saved);
    ::prctl(PR_SET_NAME, "a) S 1 (b");
    ParentTable table = readParentTable();
    ::prctl(PR_SET_NAME, saved);
    EXPECT_EQ(table.at(child.root()), ::getpid());
    EXPECT_EQ(table.at(::getpid()), ::getppid());
}

TEST(SocketOwners, ProcessTreeWalksDescendantsOnly) {
    ParentTable table{{1, 0}, {10, 1}, {11, 10}, {12, 10}, {13, 11}, {20, 1}, {21, 20}};
    auto tree = processTree(table, 10);
    std::sort(tree.begin(), tree.end());
    EXPECT_EQ(tree, (std::vector<pid_t>{10, 11, 12, 13}));
    EXPECT_EQ(processTree(table, 21), std::vector<pid_t>{21});
    EXPECT_TRUE(processTree(table, 99).empty());
    // A loop (pids reused during a scan) still ends.
    ParentTable loop{{5, 6}, {6, 5}};
    auto looped = processTree(loop, 5);
    std::sort(looped.begin(), looped.end());
    EXPECT_EQ(looped, (std::vector<pid_t>{5, 6}));
}

TEST(SocketOwners, SocketLinkParsing) {
    EXPECT_EQ(parseSocketLink("socket:[12345]"), 12345u);
    EXPECT_EQ(parseSocketLink("socket:[]"), 0u);
    EXPECT_EQ(parseSocketLink("socket:[12a]"), 0u);
    EXPECT_EQ(parseSocketLink("pipe:[12345]"), 0u);
    EXPECT_EQ(parseSocketLink("/dev/null"), 0u);
    EXPECT_EQ(parseSocketLink("socket:[12345"), 0u);
}

}  // namespace
}  // namespace parawork::ports
