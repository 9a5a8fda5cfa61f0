// Unit tests of the screen as text (SCREEN_TEXT): the rows as a person reads them (wide characters
// once, combining marks kept, trailing blanks trimmed), its payload codec and its bounds, the
// worker's and the real host's answers, and the clear error of a host that predates it.
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "host/host_client.hpp"
#include "host/host_protocol.hpp"
#include "host/screen.hpp"
#include "host/screen_process.hpp"
#include "host/unix_socket.hpp"
#include "unit/host_process_support.hpp"
#include "unit_support/temp_dir.hpp"
#include "unit_support/wait_until.hpp"

namespace parawork::host {
namespace {

std::vector<std::string> linesOf(const std::string& output, int cols = 20, int rows = 3) {
    Screen screen(cols, rows);
    screen.feed(output);
    return screen.textLines();
}

TEST(ScreenText, TrimsTrailingBlanksAndKeepsInnerOnes) {
    auto lines = linesOf("a  b   \r\n\r\n\x1b[3;5Hx\x1b[44m\x1b[K");
    EXPECT_EQ(lines, (std::vector<std::string>{"a  b", "", "    x"}));
}

TEST(ScreenText, AWideCharacterAppearsOnce) {
    auto lines = linesOf("\xe4\xbd\xa0\xe5\xa5\xbd!");  // 你好! takes five columns
    EXPECT_EQ(lines[0], "\xe4\xbd\xa0\xe5\xa5\xbd!");
}

TEST(ScreenText, CombiningMarksStayWithTheirBase) {
    // e + U+0301, then a precomposed é (a character shows once the next one tells it is whole)
    auto lines = linesOf("e\xcc\x81t\xc3\xa9!");
    EXPECT_EQ(lines[0], "e\xcc\x81t\xc3\xa9!");
}

TEST(ScreenText, ACellKeepsAtMostItsBoundOfCombiningMarks) {
    std::string mark = "\xcc\x81";  // U+0301
    auto lines = linesOf("a" + mark + mark + mark + mark + mark + "b!");
    std::string kept = "a";
    for (int i = 0; i < kMaxTextMarksPerCell; ++i) kept += mark;
    EXPECT_EQ(lines[0], kept + "b!");
}

TEST(ScreenText, TheAlternateScreenIsWhatShows) {
    Screen screen(20, 3);
    screen.feed("main text\x1b[?1049h\x1b[Hmenu\r\n> item");
    EXPECT_TRUE(screen.altScreen());
    EXPECT_EQ(screen.textLines(), (std::vector<std::string>{"menu", "> item", ""}));
    screen.feed("\x1b[?1049l");
    EXPECT_EQ(screen.textLines()[0], "main text");
}

TEST(ScreenText, TheTitleIsPrintableAndBounded) {
    Screen screen(20, 3);
    screen.feed("\x1b]2;" + std::string(kMaxTextTitleBytes + 100, 'x') + "\x07");
    EXPECT_LE(screen.textTitle().size(), kMaxTextTitleBytes);
    screen.feed("\x1b]2;bad \xff byte\x07");
    EXPECT_EQ(screen.textTitle(), "bad \xef\xbf\xbd byte");  // U+FFFD: it goes into JSON
}

TEST(ScreenTextCodec, RoundTrips) {
    ScreenText text{
        42, {80, 24}, 3, 7, false, true, "agent \xe2\x9c\xb3", {"one", "", "t\xc3\xa9"}};
    EXPECT_EQ(decodeScreenText(encodeScreenText(text)), text);
}

TEST(ScreenTextCodec, RefusesShortAndOversizePayloads) {
    std::string good = encodeScreenText({1, {2, 1}, 0, 0, true, false, "t", {"line"}});
    for (std::size_t n = 0; n < good.size(); ++n)
        EXPECT_THROW(decodeScreenText(good.substr(0, n)), ProtocolError) << n;
    std::string manyLines = PayloadWriter()
                                .u64(0)
                                .u16(1)
                                .u16(1)
                                .u16(0)
                                .u16(0)
                                .u8(1)
                                .string32("")
                                .u16(kMaxWindowCells + 1)
                                .take();
    EXPECT_THROW(decodeScreenText(manyLines), ProtocolError);
    ScreenText tooTall;
    tooTall.lines.resize(kMaxWindowCells + 1);
    EXPECT_THROW(encodeScreenText(tooTall), ProtocolError);
}

TEST(ScreenTextCodec, TheLargestScreenFitsOneReply) {
    // Every cell at its heaviest: a 4-byte base (U+10000) and 4-byte marks (U+1D167) past the
    // bound. One row drawn that way stands for all of them.
    Screen screen(kMaxWindowCells, 1);
    std::string mark = "\xf0\x9d\x85\xa7", cell = "\xf0\x90\x80\x80";
    for (int i = 0; i <= kMaxTextMarksPerCell; ++i) cell += mark;
    std::string row;
    for (int col = 0; col < kMaxWindowCells; ++col) row += cell;
    screen.feed(row + "\r");
    ScreenText text;
    text.size = {kMaxWindowCells, kMaxWindowCells};
    text.title = std::string(kMaxTextTitleBytes, 't');
    text.lines.assign(kMaxWindowCells, screen.textLines()[0]);
    EXPECT_EQ(text.lines[0].size(), std::size_t{kMaxWindowCells} * 4 * (1 + kMaxTextMarksPerCell));
    EXPECT_LE(encodeScreenText(text).size(), kMaxReplyPayload);
}

TEST(ScreenProcessText, AnswersTheScreenAndItsPendingBytes) {
    ScreenProcess process(20, 3);
    process.feed("\x1b]2;t\x07hello\r\nwor\x1b[");
    auto text = process.text();
    ASSERT_TRUE(text);
    EXPECT_EQ(text->lines, (std::vector<std::string>{"hello", "wor", ""}));
    EXPECT_EQ(text->title, "t");
    EXPECT_EQ(text->offset, 2u);  // "\x1b[" is not on the screen yet
    EXPECT_EQ(text->cursorRow, 1);
    EXPECT_EQ(text->cursorCol, 3);
    EXPECT_EQ(text->size, (WindowSize{20, 3}));
}

}  // namespace

namespace testing {
namespace {

TEST(HostProcess, ScreenTextShowsTheScreenAtItsOffset) {
    SKIP_WITHOUT_HOST_BINARY();
    HostSession session({"sh", "-c", "printf '\\033]2;agent\\007first\\033[3;5Hxy'; sleep 1000"});
    HostClient client = session.connect();
    session.waitForLog("xy");
    ScreenText text;
    ASSERT_TRUE(test::waitUntil([&] {
        text = client.screenText();  // the screen model catches up when the host is idle
        return text.offset == client.status().logEnd;
    }));
    EXPECT_EQ(text.offset, session.log().size());
    EXPECT_EQ(text.lines[0], "first");
    EXPECT_EQ(text.lines[2], "    xy");
    EXPECT_EQ(text.lines.size(), 24u);
    EXPECT_EQ(text.title, "agent");
    EXPECT_EQ(text.cursorRow, 2);
    EXPECT_EQ(text.cursorCol, 6);
}

/// A host of an older build on one connection: it greets, and refuses every other request as
/// unknown (host_requests.cpp's answer to a type it does not know).
void serveAnOldHostsConnection(int connection) {
    FrameReader reader(kMaxRequestPayload);
    char buffer[4096];
    for (;;) {
        ssize_t n = ::read(connection, buffer, sizeof buffer);
        if (n <= 0) return;
        reader.append(std::string_view(buffer, static_cast<std::size_t>(n)));
        while (auto frame = reader.next()) {
            std::string reply = frame->type == static_cast<std::uint8_t>(MessageType::Hello)
                                    ? encodeFrame(MessageType::Welcome, encodeWelcome({}))
                                    : encodeFrame(MessageType::Error, "unknown request type 0x08");
            if (::write(connection, reply.data(), reply.size()) < 0) return;
        }
    }
}

/// Serves connection after connection (a client may retry) until `stop`. The listening socket
/// does not block: it waits for a client before accepting (an accept that came first once ended
/// the old host before its client arrived).
void serveAsAnOldHost(int listenFd, const std::atomic<bool>& stop) {
    while (!stop) {
        pollfd ready{listenFd, POLLIN, 0};
        if (::poll(&ready, 1, 50) <= 0) continue;
        core::UniqueFd fd(::accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC));
        if (fd) serveAnOldHostsConnection(fd.get());
    }
}

TEST(HostClient, AnOlderHostWithoutScreenTextIsAClearError) {
    test::TempDir dir;
    auto listening = listenUnix(dir.path() / "host.sock", 1);
    std::atomic<bool> stop{false};
    std::thread oldHost(serveAsAnOldHost, listening.get(), std::cref(stop));
    try {
        HostClient client = HostClient::connect(dir.path());
        client.screenText();
        ADD_FAILURE() << "no error";
    } catch (const UnsupportedRequest& e) {
        EXPECT_NE(std::string(e.what()).find("older than the daemon"), std::string::npos);
    } catch (const std::exception& e) {
        ADD_FAILURE() << "not the clear error: " << e.what();
    }
    stop = true;  // the client has hung up: its connection has ended
    oldHost.join();
}

}  // namespace
}  // namespace testing
}  // namespace parawork::host
