// Unit tests of the fd toolkit's owners: UniqueFd closes exactly once, Pipe's ends are owned and
// close-on-exec.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "core/pipe.hpp"
#include "core/unique_fd.hpp"

namespace parawork::core {
namespace {

bool isOpen(int fd) {
    return ::fcntl(fd, F_GETFD) != -1;
}

TEST(UniqueFd, ClosesWhenItGoes) {
    int raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(raw, 0);
    { UniqueFd fd(raw); }
    EXPECT_FALSE(isOpen(raw));
}

TEST(UniqueFd, AMoveHandsOverTheDescriptor) {
    UniqueFd first(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    int raw = first.get();
    UniqueFd second(std::move(first));
    EXPECT_FALSE(first);  // NOLINT(bugprone-use-after-move): the moved-from state is the point
    EXPECT_EQ(second.get(), raw);
    UniqueFd third;
    third = std::move(second);
    EXPECT_EQ(third.get(), raw);
    EXPECT_TRUE(isOpen(raw));
}

TEST(UniqueFd, ReleaseGivesUpOwnershipAndResetCloses) {
    UniqueFd fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    int raw = fd.release();
    EXPECT_FALSE(fd);
    EXPECT_TRUE(isOpen(raw));
    fd.reset(raw);
    fd.reset();
    EXPECT_FALSE(isOpen(raw));
}

TEST(UniqueFd, CloseReportsTheOutcome) {
    UniqueFd fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    int raw = fd.get();
    EXPECT_TRUE(fd.close());
    EXPECT_FALSE(fd);
    EXPECT_FALSE(isOpen(raw));
    EXPECT_FALSE(fd.close());  // nothing left to close
}

TEST(Pipe, BothEndsAreOwnedAndCloseOnExec) {
    int readEnd = -1, writeEnd = -1;
    {
        Pipe pipe = Pipe::open("pipe2");
        readEnd = pipe.read.get();
        writeEnd = pipe.write.get();
        EXPECT_TRUE(::fcntl(readEnd, F_GETFD) & FD_CLOEXEC);
        EXPECT_TRUE(::fcntl(writeEnd, F_GETFD) & FD_CLOEXEC);
        ASSERT_EQ(::write(writeEnd, "x", 1), 1);
        char c = 0;
        ASSERT_EQ(::read(readEnd, &c, 1), 1);
        EXPECT_EQ(c, 'x');
    }
    EXPECT_FALSE(isOpen(readEnd));
    EXPECT_FALSE(isOpen(writeEnd));
    EXPECT_TRUE(Pipe::tryOpen().has_value());
}

}  // namespace
}  // namespace parawork::core
