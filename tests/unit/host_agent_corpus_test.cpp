// Accuracy on the recorded corpus (issue 19's figure: every state right): each recording under
// tests/agents/corpus is replayed through the host's screen model and the terminal signal scanner,
// and its final screen must match exactly the pattern tests/agents/corpus/manifest.tsv names (or
// none at all, for a program at rest), and its terminal signals must hold the listed facts.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "activity/screen_patterns.hpp"
#include "activity/terminal_signals.hpp"
#include "core/agent_screens.hpp"
#include "host/screen.hpp"
#include "unit_support/read_file.hpp"

namespace parawork::host {
namespace {

namespace fs = std::filesystem;
using activity::TerminalSignal;

// The size record.py gives the agents.
constexpr int kCols = 100, kRows = 30;
const fs::path kCorpus = PARAWORK_AGENT_CORPUS_DIR;
const std::vector<std::string> kAgents = {"claude-code", "codex", "gemini", "opencode"};

struct Recording {
    std::string file, agent, screen, reason, signals;
};

std::vector<Recording> manifest() {
    std::vector<Recording> recordings;
    std::ifstream in(kCorpus / "manifest.tsv");
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> columns;
        std::stringstream fields(line);
        for (std::string field; std::getline(fields, field, '\t');) columns.push_back(field);
        EXPECT_EQ(columns.size(), 5u) << line;
        columns.resize(5);
        recordings.push_back({columns[0], columns[1], columns[2], columns[3], columns[4]});
    }
    return recordings;
}

void appendUtf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

/// The screen as the screen layer reads it: rows joined by '\n', blanks as spaces.
std::string screenText(const Screen& screen) {
    std::string text;
    for (int row = 0; row < screen.rows(); ++row) {
        for (int col = 0; col < screen.cols(); ++col) {
            auto cell = screen.cell(row, col);
            if (cell.continuation) continue;  // a wide character's right half
            if (cell.chars.empty()) text += ' ';
            for (char32_t c : cell.chars) appendUtf8(text, c);
        }
        text += '\n';
    }
    return text;
}

/// What the terminal layer saw over a whole recording.
struct Signals {
    std::string lastTitle;
    bool sawTitle = false, bell = false;
    std::string paste = "-";
    std::vector<std::string> notifications;
};

Signals scanSignals(std::string_view bytes) {
    Signals seen;
    activity::TerminalSignalScanner scanner;
    scanner.feed(bytes, [&](const TerminalSignal& signal) {
        switch (signal.kind) {
            case TerminalSignal::Kind::Title:
                seen.lastTitle = signal.text;
                seen.sawTitle = true;
                break;
            case TerminalSignal::Kind::Notification:
                seen.notifications.push_back(signal.text);
                break;
            case TerminalSignal::Kind::Bell:
                seen.bell = true;
                break;
            case TerminalSignal::Kind::BracketedPaste:
                seen.paste = signal.on ? "on" : "off";
                break;
            case TerminalSignal::Kind::FocusReporting:
                break;
        }
    });
    return seen;
}

void expectFact(const Signals& seen, const std::string& fact) {
    if (fact == "title-working") {
        EXPECT_TRUE(seen.sawTitle && activity::titleMeansWorking(seen.lastTitle)) << seen.lastTitle;
    } else if (fact == "title-at-rest") {
        EXPECT_TRUE(seen.sawTitle && !activity::titleMeansWorking(seen.lastTitle))
            << seen.lastTitle;
    } else if (fact == "paste-on" || fact == "paste-off") {
        EXPECT_EQ("paste-" + seen.paste, fact);
    } else if (fact == "bell") {
        EXPECT_TRUE(seen.bell);
    } else if (fact.starts_with("notifications=")) {
        EXPECT_EQ(std::to_string(seen.notifications.size()), fact.substr(14));
    } else if (fact.starts_with("notification=")) {
        EXPECT_NE(std::find(seen.notifications.begin(), seen.notifications.end(), fact.substr(13)),
                  seen.notifications.end());
    } else {
        ADD_FAILURE() << "unknown fact in the manifest: " << fact;
    }
}

void expectScreen(const Recording& recording, const std::string& text) {
    std::vector<std::string> agents = {recording.agent};
    if (recording.agent == "*") agents = kAgents;
    for (const auto& agent : agents) {
        auto match = activity::matchScreen(core::builtinAgentScreens(agent), text);
        if (recording.screen == "no-wait") {
            EXPECT_FALSE(match) << agent << " matched " << match->reason << " on\n" << text;
            continue;
        }
        ASSERT_TRUE(match) << "nothing matched on\n" << text;
        EXPECT_EQ("waiting:" + std::string(core::toString(match->waitingFor)), recording.screen);
        EXPECT_EQ(match->reason, recording.reason) << text;
    }
}

TEST(AgentCorpus, EveryRecordingGivesItsState) {
    auto recordings = manifest();
    ASSERT_GE(recordings.size(), 10u);
    for (const auto& recording : recordings) {
        SCOPED_TRACE(recording.file);
        std::string bytes = test::readFile(kCorpus / recording.file);
        ASSERT_FALSE(bytes.empty());
        Screen screen(kCols, kRows);
        screen.feed(bytes);
        expectScreen(recording, screenText(screen));
        if (recording.signals == "-") continue;
        Signals seen = scanSignals(bytes);
        std::stringstream facts(recording.signals);
        for (std::string fact; std::getline(facts, fact, ',');) expectFact(seen, fact);
    }
}

TEST(AgentCorpus, EveryRecordingIsInTheManifest) {
    std::vector<std::string> listed;
    for (const auto& recording : manifest()) listed.push_back(recording.file);
    for (const auto& entry : fs::recursive_directory_iterator(kCorpus)) {
        if (entry.path().extension() != ".out") continue;
        auto file = fs::relative(entry.path(), kCorpus).string();
        EXPECT_NE(std::find(listed.begin(), listed.end(), file), listed.end()) << file;
    }
}

TEST(AgentCorpus, EveryBuiltinAgentHasScreensAndOthersNone) {
    for (const auto& agent : kAgents)
        EXPECT_FALSE(core::builtinAgentScreens(agent).empty()) << agent;
    EXPECT_TRUE(core::builtinAgentScreens("aider").empty());
    EXPECT_TRUE(core::builtinAgentScreens("").empty());
}

}  // namespace
}  // namespace parawork::host
