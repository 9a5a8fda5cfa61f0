// The observers of sessions (session/session_observer.hpp): every observer hears every event, in
// the order it was registered, and only registered observers hear anything — both for the list
// itself and through a SessionService that re-adopts a session whose host is gone (it is
// announced running, then ended, on the service's own threads).
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "session/session_service.hpp"
#include "store/sessions.hpp"
#include "store/workspaces.hpp"
#include "store_fixture.hpp"

namespace parawork::session {
namespace {

using namespace std::chrono_literals;

/// What the observers heard, in order, from any thread.
class Heard {
  public:
    void add(std::string line) {
        std::lock_guard lock(mutex_);
        lines_.push_back(std::move(line));
    }
    std::vector<std::string> lines() {
        std::lock_guard lock(mutex_);
        return lines_;
    }
    /// Waits up to 10 s for `count` lines.
    std::vector<std::string> waitFor(std::size_t count) {
        auto deadline = std::chrono::steady_clock::now() + 10s;
        while (lines().size() < count && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(5ms);
        return lines();
    }

  private:
    std::mutex mutex_;
    std::vector<std::string> lines_;
};

class Recorder : public SessionObserver {
  public:
    /// With a database, a process's end is heard with the session's status recorded at that time.
    Recorder(std::string name, Heard& heard, store::Database* db = nullptr)
        : name_(std::move(name)), heard_(heard), db_(db) {}
    void sessionRunning(const core::Session& s) override { heard_.add(name_ + " running " + s.id); }
    void processEnded(const std::string& id) override {
        std::string recorded;
        if (db_)
            if (auto s = store::findSession(*db_, id))
                recorded = " " + std::string(core::toString(s->status));
        heard_.add(name_ + " exited " + id + recorded);
    }
    void sessionEnded(const core::Session& s) override { heard_.add(name_ + " ended " + s.id); }
    void outputLine(const std::string& id, const std::string&, std::string_view line) override {
        heard_.add(name_ + " line " + id + " " + std::string(line));
    }
    void outputAdvanced(const std::string& id) override { heard_.add(name_ + " advanced " + id); }
    void terminalOutput(const std::string& id, const std::string&, core::SessionKind,
                        std::uint64_t from, std::uint64_t to) override {
        heard_.add(name_ + " output " + id + " " + std::to_string(from) + "-" + std::to_string(to));
    }

  private:
    std::string name_;
    Heard& heard_;
    store::Database* db_;
};

/// Overrides nothing: every event is a no-op for it.
class Indifferent : public SessionObserver {};

TEST(SessionObservers, CallsEveryObserverInTheOrderTheyWereAdded) {
    Heard heard;
    Recorder a("a", heard), b("b", heard), c("c", heard), unregistered("x", heard);
    Indifferent quiet;
    SessionObservers observers;
    observers.add(b);
    observers.add(quiet);
    observers.add(a);
    observers.add(c);
    core::Session s;
    s.id = "s1";
    observers.sessionRunning(s);
    observers.outputLine("s1", "w1", "ready");
    observers.terminalOutput("s1", "w1", core::SessionKind::Agent, 0, 5);
    observers.outputAdvanced("s1");
    observers.processEnded("s1");
    observers.sessionEnded(s);
    EXPECT_EQ(heard.lines(), (std::vector<std::string>{
                                 "b running s1", "a running s1", "c running s1", "b line s1 ready",
                                 "a line s1 ready", "c line s1 ready", "b output s1 0-5",
                                 "a output s1 0-5", "c output s1 0-5", "b advanced s1",
                                 "a advanced s1", "c advanced s1", "b exited s1", "a exited s1",
                                 "c exited s1", "b ended s1", "a ended s1", "c ended s1"}));
}

TEST(SessionObservers, WithoutObserversEveryEventIsANoOp) {
    SessionObservers observers;
    core::Session s;
    observers.sessionRunning(s);
    observers.outputLine("s1", "w1", "line");
    observers.terminalOutput("s1", "w1", core::SessionKind::Command, 0, 1);
    observers.outputAdvanced("s1");
    observers.processEnded("s1");
    observers.sessionEnded(s);
}

class SessionServiceObserversTest : public store::fixture::StoreTest {
  protected:
    void SetUp() override {
        store::insertWorkspace(db_, store::fixture::makeWorkspace("w1"));
        store::insertSession(
            db_, store::fixture::makeSession("s1", "w1", core::SessionStatus::Running, 1000));
        config_.sessionsDir = dir_.path() / "sessions";  // no host ever ran there
        config_.hostBinary = "/nonexistent/parawork-host";
    }
    ServiceConfig config_;
};

// Its process's end comes before its end is recorded: what routes to a session (a preview of
// its port) stops before anyone can read that it ended (issue 18, a kept-alive preview reached
// a port the next process had taken).
TEST_F(SessionServiceObserversTest, AReadoptedSessionWhoseHostIsGoneIsAnnouncedInOrder) {
    Heard heard;
    Recorder first("first", heard, &db_), second("second", heard), unregistered("x", heard);
    SessionService sessions(db_, config_, EventSink{});
    sessions.addObserver(first);
    sessions.addObserver(second);
    sessions.readoptAll();
    // Running on this thread; ended (and the viewers' last advance) on the output follower's.
    auto lines = heard.waitFor(8);
    EXPECT_EQ(lines, (std::vector<std::string>{"first running s1", "second running s1",
                                               "first exited s1 running", "second exited s1",
                                               "first ended s1", "second ended s1",
                                               "first advanced s1", "second advanced s1"}));
    sessions.shutdown();
    auto recorded = store::findSession(db_, "s1");
    ASSERT_TRUE(recorded);
    EXPECT_EQ(recorded->status, core::SessionStatus::Failed);
    EXPECT_EQ(recorded->exitReason, "host lost");
}

}  // namespace
}  // namespace parawork::session
