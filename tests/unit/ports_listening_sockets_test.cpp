// Listening sockets: the netlink dump finds real sockets with the right inode, forgets closed
// ones, ignores non-listening ones; the /proc/net fallback parses sample text and agrees with
// netlink on this machine.
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <bit>
#include <cstddef>
#include <string>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "ports/listening_sockets.hpp"
#include "unit/ports_fixture.hpp"

namespace parawork::ports {
namespace {

using test::TestSocket;

const ListeningSocket* findInode(const std::vector<ListeningSocket>& sockets, std::uint64_t inode) {
    for (const auto& s : sockets)
        if (s.inode == inode) return &s;
    return nullptr;
}

std::vector<ListeningSocket> netlinkScan() {
    auto sockets = listeningSocketsViaNetlink();
    if (!sockets) ADD_FAILURE() << "netlink sock_diag is unavailable on this machine";
    return sockets.value_or(std::vector<ListeningSocket>{});
}

TEST(ListeningSockets, NetlinkFindsAnIpv4ListenerWithItsInode) {
    TestSocket listener(AF_INET);
    ASSERT_TRUE(listener.ok());
    auto sockets = netlinkScan();
    const ListeningSocket* found = findInode(sockets, listener.inode());
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->family, AF_INET);
    EXPECT_EQ(found->address, "127.0.0.1");
    EXPECT_EQ(found->port, listener.port());
}

TEST(ListeningSockets, NetlinkFindsAnIpv6ListenerWithItsInode) {
    TestSocket listener(AF_INET6);
    if (!listener.ok()) GTEST_SKIP() << "no IPv6 loopback here";
    auto sockets = netlinkScan();
    const ListeningSocket* found = findInode(sockets, listener.inode());
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->family, AF_INET6);
    EXPECT_EQ(found->address, "::1");
    EXPECT_EQ(found->port, listener.port());
}

TEST(ListeningSockets, AClosedSocketDisappears) {
    TestSocket listener(AF_INET);
    ASSERT_TRUE(listener.ok());
    std::uint64_t inode = listener.inode();
    ASSERT_NE(findInode(netlinkScan(), inode), nullptr);
    listener.close();
    EXPECT_EQ(findInode(netlinkScan(), inode), nullptr);
}

TEST(ListeningSockets, BoundAndConnectedSocketsAreNotListening) {
    TestSocket boundOnly(AF_INET, /*listening=*/false);
    TestSocket listener(AF_INET);
    ASSERT_TRUE(boundOnly.ok() && listener.ok());
    int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(client, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons(listener.port());
    ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
    int accepted = ::accept4(listener.fd(), nullptr, nullptr, SOCK_CLOEXEC);
    ASSERT_GE(accepted, 0);

    auto sockets = netlinkScan();
    EXPECT_EQ(findInode(sockets, boundOnly.inode()), nullptr);
    EXPECT_EQ(findInode(sockets, test::inodeOf(client)), nullptr);
    EXPECT_EQ(findInode(sockets, test::inodeOf(accepted)), nullptr);
    EXPECT_NE(findInode(sockets, listener.inode()), nullptr);
    ::close(accepted);
    ::close(client);
}

TEST(ListeningSockets, ManySocketsAllFoundAndSorted) {
    // More than one netlink datagram's worth (each inet_diag_msg is ~100 bytes with attributes).
    std::vector<std::unique_ptr<TestSocket>> listeners;
    for (int i = 0; i < 400; ++i) {
        listeners.push_back(std::make_unique<TestSocket>(AF_INET));
        ASSERT_TRUE(listeners.back()->ok());
    }
    auto sockets = netlinkScan();
    for (const auto& l : listeners) EXPECT_NE(findInode(sockets, l->inode()), nullptr);
    EXPECT_TRUE(std::is_sorted(sockets.begin(), sockets.end(),
                               [](const auto& a, const auto& b) { return a.port < b.port; }));
}

TEST(ListeningSockets, MoreSocketsThanTheLimitIsAnError) {
    TestSocket a(AF_INET);
    TestSocket b(AF_INET);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_THROW(listeningSocketsViaNetlink(1), core::Error);
    EXPECT_THROW(listeningSocketsViaProcNet(1), core::Error);
}

TEST(ListeningSockets, ScanUsesNetlinkWhenAvailable) {
    TestSocket listener(AF_INET);
    ASSERT_TRUE(listener.ok());
    ListeningScan scan = listeningSockets();
    EXPECT_EQ(scan.source, SocketSource::Netlink);
    EXPECT_EQ(toString(scan.source), "netlink");
    EXPECT_NE(findInode(scan.sockets, listener.inode()), nullptr);
}

TEST(ListeningSockets, ProcNetFallbackAgreesWithNetlink) {
    TestSocket v4(AF_INET);
    TestSocket v6(AF_INET6);
    ASSERT_TRUE(v4.ok());
    auto viaProc = listeningSocketsViaProcNet();
    auto viaNetlink = netlinkScan();
    for (const TestSocket* s : {&v4, &v6}) {
        if (!s->ok()) continue;
        const ListeningSocket* a = findInode(viaProc, s->inode());
        const ListeningSocket* b = findInode(viaNetlink, s->inode());
        ASSERT_NE(a, nullptr);
        ASSERT_NE(b, nullptr);
        EXPECT_EQ(*a, *b);
    }
}

/// Makes socket(AF_NETLINK, ...) fail with EAFNOSUPPORT in this process from now on, as in a
/// sandbox without netlink. Only for a forked child: it cannot be undone.
bool forbidNetlink() {
    sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 3),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0])),  // low word (LE)
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EAFNOSUPPORT),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog program{static_cast<unsigned short>(std::size(filter)), filter};
    return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
           ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) == 0;
}

TEST(ListeningSockets, FallsBackToProcNetWithoutNetlink) {
    if constexpr (std::endian::native != std::endian::little) GTEST_SKIP();
    TestSocket listener(AF_INET);
    ASSERT_TRUE(listener.ok());
    int results[2];
    ASSERT_EQ(::pipe(results), 0);
    pid_t child = ::fork();
    if (child == 0) {
        // A forked copy of this single-threaded test: free to allocate and throw.
        char answer[3] = {'!', '!', '!'};
        if (forbidNetlink()) {
            answer[0] = listeningSocketsViaNetlink() ? 'n' : '-';
            ListeningScan scan = listeningSockets();
            answer[1] = scan.source == SocketSource::ProcNet ? 'p' : 'n';
            answer[2] = findInode(scan.sockets, listener.inode()) ? 'f' : '-';
        }
        ssize_t written = ::write(results[1], answer, sizeof answer);
        ::_exit(written == sizeof answer ? 0 : 1);
    }
    ::close(results[1]);
    char answer[3] = {};
    ssize_t got = ::read(results[0], answer, sizeof answer);
    ::close(results[0]);
    ::waitpid(child, nullptr, 0);
    ASSERT_EQ(got, 3);
    if (answer[0] == '!') GTEST_SKIP() << "seccomp filters are not available here";
    EXPECT_EQ(answer[0], '-') << "netlink should report itself unavailable";
    EXPECT_EQ(answer[1], 'p') << "the scan should say it used /proc/net";
    EXPECT_EQ(answer[2], 'f') << "the fallback should find the listener";
}

// /proc/net/tcp prints each 32-bit address word as it sits in memory: these samples are the
// text a little-endian machine produces.
TEST(ListeningSockets, ParsesProcNetTcpSample) {
    if constexpr (std::endian::native != std::endian::little) GTEST_SKIP();
    const std::string text =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
        "timeout inode\n"
        "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000   "
        "     0 12345 1 0000000000000000 100 0 0 10 0\n"
        "   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0   "
        "     0 777 1 0000000000000000 100 0 0 10 0\n"
        "   2: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000   "
        "     0 999 1 0000000000000000 20 4 30 10 -1\n"
        "   3: garbage\n"
        "   4: 0100007F:ZZZZ 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000   "
        "     0 55 1\n";
    auto sockets = parseProcNetTcp(text, AF_INET);
    ASSERT_EQ(sockets.size(), 2u);
    EXPECT_EQ(sockets[0], (ListeningSocket{12345, AF_INET, "127.0.0.1", 8080}));
    EXPECT_EQ(sockets[1], (ListeningSocket{777, AF_INET, "0.0.0.0", 22}));
}

TEST(ListeningSockets, ParsesProcNetTcp6Sample) {
    if constexpr (std::endian::native != std::endian::little) GTEST_SKIP();
    const std::string text =
        "  sl  local_address                         remote_address                        st "
        "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        "   0: 00000000000000000000000001000000:1538 00000000000000000000000000000000:0000 0A "
        "00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 "
        "10 0\n"
        "   1: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A "
        "00000000:00000000 00:00000000 00000000     0        0 4343 1 0000000000000000 100 0 0 "
        "10 0\n"
        "   2: 0000000000000000FFFF00000100007F:0BB8 00000000000000000000000000000000:0000 0A "
        "00000000:00000000 00:00000000 00000000     0        0 4444 1 0000000000000000 100 0 0 "
        "10 0\n"
        "   3: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000   "
        "     0 12345 1\n";  // an IPv4-length address in the IPv6 file: malformed
    auto sockets = parseProcNetTcp(text, AF_INET6);
    ASSERT_EQ(sockets.size(), 3u);
    EXPECT_EQ(sockets[0], (ListeningSocket{4242, AF_INET6, "::1", 5432}));
    EXPECT_EQ(sockets[1], (ListeningSocket{4343, AF_INET6, "::", 80}));
    EXPECT_EQ(sockets[2], (ListeningSocket{4444, AF_INET6, "::ffff:127.0.0.1", 3000}));
}

TEST(ListeningSockets, ProcNetParserToleratesEmptyAndTruncatedText) {
    EXPECT_TRUE(parseProcNetTcp("", AF_INET).empty());
    EXPECT_TRUE(parseProcNetTcp("\n\n", AF_INET).empty());
    EXPECT_TRUE(parseProcNetTcp("   0: 0100007F:1F90 00000000:0000 0A", AF_INET).empty());
}

}  // namespace
}  // namespace parawork::ports
