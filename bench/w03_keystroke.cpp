// W3: keystroke round trip — one byte sent as a binary frame on the attach WebSocket to a
// session running `stty raw -echo; cat` (one byte in, the same byte out), until that byte comes
// back on the same WebSocket; 2000 times per repetition. The path: WebSocket → daemon → host
// socket → PTY → cat → PTY → host → output log → daemon → WebSocket. Anchor, alternating: the
// same command in a bare PTY, one byte written to the master and read back. Also measured, in
// its own daemon: the same byte sent as `terminal_input` on the main WebSocket (the path of
// parawork's frontend), echo read on the attach WebSocket. Reported: the median over
// repetitions of each repetition's p50 and p99.
#include <optional>
#include <stdexcept>

#include "bare_pty.hpp"
#include "bench_support.hpp"
#include "workload.hpp"
#include "ws_viewer.hpp"

namespace parawork::bench {
namespace {

constexpr int kRoundTrips = 2000;
constexpr int kWarmUp = 100;
// The marker tells that raw mode is on: a byte sent before would be echoed by the line
// discipline and held by cat until a newline.
const std::vector<std::string> kEcho = {"sh", "-c", "stty raw -echo; printf READY; exec cat"};

double microsecondsSince(Clock::time_point start) {
    return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

char keyFor(int i) {
    return static_cast<char>('a' + i % 26);
}

/// An echo session in its own daemon, and how a keystroke reaches it.
class EchoSession {
  public:
    /// `viaHub`: send keystrokes as terminal_input events on the main WebSocket.
    explicit EchoSession(bool viaHub) : fleet_(daemon_) {
        id_ = fleet_.start(fleet_.createWorkspace(), kEcho);
        viewer_.emplace(daemon_.socketPath(), "/api/sessions/" + id_ + "/attach?offset=0");
        while (viewer_->binaryBytes() < 5)  // "READY"
            if (!viewer_->pump(std::chrono::seconds(10)))
                throw std::runtime_error("the echo session ended");
        if (viaHub) hub_.emplace(daemon_.socketPath(), "/ws");
    }

    std::vector<double> roundTrips(int count) {
        std::vector<double> samples;
        for (int i = 0; i < count; ++i) {
            auto before = viewer_->binaryBytes();
            auto start = Clock::now();
            send(keyFor(i));
            while (viewer_->binaryBytes() == before)
                if (!viewer_->pump(std::chrono::seconds(5)) ||
                    millisecondsBetween(start, Clock::now()) > 5000)
                    throw std::runtime_error(lostMessage());
            samples.push_back(microsecondsSince(start));
            if (hub_) hub_->pump(std::chrono::milliseconds(0));  // answers pings, untimed
        }
        return samples;
    }

  private:
    void send(char key) {
        if (!hub_) return viewer_->sendBinary(std::string(1, key));
        hub_->sendText(R"({"type":"terminal_input","data":{"sessionId":")" + id_ + R"(","data":")" +
                       std::string(1, key) + R"("}})");
    }

    std::string lostMessage() {
        if (!test::processAlive(daemon_.pid())) {
            auto out = daemon_.output();
            auto last = out.substr(out.rfind('\n', out.size() - 2) + 1);
            while (!last.empty() && last.back() == '\n') last.pop_back();
            return "the daemon died on a keystroke (its last words: '" + last + "')";
        }
        return "no echo within 5 s";
    }

    test::DaemonProcess daemon_;
    SessionFleet fleet_;
    std::string id_;
    std::optional<WsViewer> viewer_;
    std::optional<WsViewer> hub_;
};

std::vector<double> bareRoundTrips(BarePty& pty, int count) {
    std::vector<double> samples;
    for (int i = 0; i < count; ++i) {
        auto start = Clock::now();
        pty.write(std::string(1, keyFor(i)));
        pty.read(1, std::chrono::seconds(5));
        samples.push_back(microsecondsSince(start));
    }
    return samples;
}

Result run(const RunOptions& options) {
    EchoSession hubSession(true);
    BarePty pty(kEcho);
    pty.read(5, std::chrono::seconds(10));
    std::optional<EchoSession> attachSession;
    std::string attachError;
    try {
        attachSession.emplace(false);
        attachSession->roundTrips(kWarmUp);
    } catch (const std::exception& e) {
        attachError = e.what();
        attachSession.reset();
    }
    hubSession.roundTrips(kWarmUp);
    bareRoundTrips(pty, kWarmUp);

    Latencies attach, hub, bare;
    for (int rep = 0; rep < options.repetitions; ++rep) {
        checkInterrupted();
        if (attachSession) {
            try {
                attach.add(attachSession->roundTrips(kRoundTrips));
            } catch (const std::exception& e) {
                attachError = e.what();
                attachSession.reset();
            }
        }
        hub.add(hubSession.roundTrips(kRoundTrips));
        bare.add(bareRoundTrips(pty, kRoundTrips));
    }
    char figures[256];
    std::snprintf(figures, sizeof figures,
                  "terminal_input on the main WS: p50 %.1f us, p99 %.1f us; bare PTY: p50 %.1f us, "
                  "p99 %.1f us",
                  median(hub.p50), median(hub.p99), median(bare.p50), median(bare.p99));
    if (!attachError.empty())
        throw std::runtime_error("keystrokes over the attach WebSocket: " + attachError +
                                 ". For reference, " + figures);
    Result r;
    r.id = "W3";
    r.workload = "keystroke round trip over attach WS (raw cat echo)";
    r.unit = "us";
    r.ours = median(attach.p50);
    r.oursP99 = median(attach.p99);
    r.anchor = median(bare.p50);
    r.anchorName = "bare PTY write->read echo";
    r.target = "p99 <= 1 ms";
    r.holds = *r.oursP99 <= 1000;
    r.note = std::to_string(options.repetitions) + " reps x " + std::to_string(kRoundTrips) +
             " round trips; " + figures;
    return r;
}

Register registration("W3", run);

}  // namespace
}  // namespace parawork::bench
