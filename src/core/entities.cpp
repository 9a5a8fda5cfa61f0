// Spellings of the entity enumerations (the activity state's too), and the small rules over
// entities that several rooms share (session duration, the conversation merge).
#include "core/entities.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace parawork::core {
namespace {

// One table per enumeration, indexed by the enumerator, so toString and parse cannot disagree.
constexpr std::array<std::string_view, 4> kWorkspaceStatus = {"idle", "running", "completed",
                                                              "error"};
constexpr std::array<std::string_view, 4> kSessionStatus = {"starting", "running", "completed",
                                                            "failed"};
constexpr std::array<std::string_view, 2> kMessageRole = {"user", "assistant"};
constexpr std::array<std::string_view, 3> kLogLevel = {"info", "warning", "error"};
constexpr std::array<std::string_view, 3> kChangeType = {"created", "modified", "deleted"};
constexpr std::array<std::string_view, 2> kConversationEventType = {"message", "agent_log"};
constexpr std::array<std::string_view, 4> kSessionKind = {"agent", "command", "terminal", "setup"};

// The activity state (core/activity.hpp).
constexpr std::array<std::string_view, 6> kStates = {"starting", "working",   "waiting",
                                                     "idle",     "completed", "failed"};
constexpr std::array<std::string_view, 6> kWaitingFor = {"",      "permission", "question",
                                                         "input", "login",      "error"};
constexpr std::array<std::string_view, 5> kSources = {"lifecycle", "hook", "terminal", "screen",
                                                      "quiet"};

template <class Enum, std::size_t N>
std::optional<Enum> parseIn(const std::array<std::string_view, N>& names, std::string_view text) {
    for (std::size_t i = 0; i < N; ++i)
        if (names[i] == text) return static_cast<Enum>(i);
    return std::nullopt;
}

}  // namespace

std::string_view toString(WorkspaceStatus status) {
    return kWorkspaceStatus.at(static_cast<std::size_t>(status));
}
std::string_view toString(SessionStatus status) {
    return kSessionStatus.at(static_cast<std::size_t>(status));
}
std::string_view toString(MessageRole role) {
    return kMessageRole.at(static_cast<std::size_t>(role));
}
std::string_view toString(LogLevel level) {
    return kLogLevel.at(static_cast<std::size_t>(level));
}
std::string_view toString(ChangeType type) {
    return kChangeType.at(static_cast<std::size_t>(type));
}
std::string_view toString(ConversationEventType type) {
    return kConversationEventType.at(static_cast<std::size_t>(type));
}

std::string_view toString(SessionKind kind) {
    return kSessionKind.at(static_cast<std::size_t>(kind));
}

std::optional<WorkspaceStatus> parseWorkspaceStatus(std::string_view text) {
    return parseIn<WorkspaceStatus>(kWorkspaceStatus, text);
}
std::optional<SessionStatus> parseSessionStatus(std::string_view text) {
    return parseIn<SessionStatus>(kSessionStatus, text);
}
std::optional<MessageRole> parseMessageRole(std::string_view text) {
    return parseIn<MessageRole>(kMessageRole, text);
}
std::optional<LogLevel> parseLogLevel(std::string_view text) {
    return parseIn<LogLevel>(kLogLevel, text);
}
std::optional<ChangeType> parseChangeType(std::string_view text) {
    return parseIn<ChangeType>(kChangeType, text);
}

std::optional<SessionKind> parseSessionKind(std::string_view text) {
    return parseIn<SessionKind>(kSessionKind, text);
}

std::int64_t sessionDuration(const Session& session) {
    if (!session.startedAt || !session.completedAt) return 0;
    return *session.completedAt - *session.startedAt;
}

std::vector<ConversationEvent> mergeConversation(std::span<const Message> messages,
                                                 std::span<const AgentLog> logs) {
    std::vector<ConversationEvent> events;
    events.reserve(messages.size() + logs.size());
    // Messages first, then logs, then a stable sort: on a tie the message wins, as in §4.4.
    for (const Message& m : messages)
        events.push_back(
            {m.id, ConversationEventType::Message, m.timestamp, m.content, m.role, std::nullopt});
    for (const AgentLog& l : logs)
        events.push_back({std::to_string(l.id), ConversationEventType::AgentLog, l.timestamp,
                          l.message, std::nullopt, l.level});
    std::stable_sort(events.begin(), events.end(),
                     [](const ConversationEvent& a, const ConversationEvent& b) {
                         return a.timestamp < b.timestamp;
                     });
    return events;
}

std::string_view toString(ActivityState state) {
    return kStates.at(static_cast<std::size_t>(state));
}
std::string_view toString(WaitingFor waitingFor) {
    return kWaitingFor.at(static_cast<std::size_t>(waitingFor));
}
std::string_view toString(ActivitySource source) {
    return kSources.at(static_cast<std::size_t>(source));
}
std::optional<ActivityState> parseActivityState(std::string_view text) {
    return parseIn<ActivityState>(kStates, text);
}
std::optional<WaitingFor> parseWaitingFor(std::string_view text) {
    return parseIn<WaitingFor>(kWaitingFor, text);
}
std::optional<ActivitySource> parseActivitySource(std::string_view text) {
    return parseIn<ActivitySource>(kSources, text);
}

}  // namespace parawork::core
