// What an outgoing notification says and when (attention_notice.hpp).
#include <gtest/gtest.h>

#include <algorithm>

#include <boost/json/parse.hpp>

#include "daemon/attention_notice.hpp"

namespace parawork::daemon {
namespace {

namespace json = boost::json;
using core::ActivityState;
using core::WaitingFor;

core::Activity activity(ActivityState state, WaitingFor why = WaitingFor::None,
                        std::string reason = {}) {
    return {state, why, std::move(reason), core::ActivitySource::Hook, 1234};
}

AttentionNotice waiting() {
    return {"s1",
            "w1",
            "web",
            "claude-code",
            activity(ActivityState::Waiting, WaitingFor::Permission, "wants to run `rm -rf build`"),
            ActivityState::Working};
}

TEST(AttentionNotice, OnlyANewWaitATurnsEndOrAnEndDeserveOne) {
    auto working = activity(ActivityState::Working);
    auto asks = activity(ActivityState::Waiting, WaitingFor::Question, "Which one?");
    EXPECT_TRUE(deservesNotice(working, asks));
    EXPECT_TRUE(deservesNotice(activity(ActivityState::Starting), asks));
    // A new reason within the same wait is not a new wait.
    EXPECT_FALSE(deservesNotice(asks, activity(ActivityState::Waiting, WaitingFor::Permission)));
    EXPECT_TRUE(deservesNotice(working, activity(ActivityState::Idle)));
    EXPECT_FALSE(deservesNotice(asks, activity(ActivityState::Idle)));
    EXPECT_FALSE(deservesNotice(activity(ActivityState::Starting), activity(ActivityState::Idle)));
    EXPECT_FALSE(deservesNotice(activity(ActivityState::Idle), working));
    EXPECT_TRUE(deservesNotice(working, activity(ActivityState::Completed)));
    EXPECT_TRUE(deservesNotice(asks, activity(ActivityState::Failed)));
    EXPECT_FALSE(deservesNotice(activity(ActivityState::Failed), activity(ActivityState::Failed)));
}

TEST(AttentionNotice, TheEventAsJsonTextAndEnvironment) {
    auto o = json::parse(noticeJson(waiting())).as_object();
    EXPECT_EQ(o.at("type"), "session_state_changed");
    EXPECT_EQ(o.at("sessionId"), "s1");
    EXPECT_EQ(o.at("workspaceName"), "web");
    EXPECT_EQ(o.at("state"), "waiting");
    EXPECT_EQ(o.at("waitingFor"), "permission");
    EXPECT_EQ(o.at("reason"), "wants to run `rm -rf build`");
    EXPECT_EQ(o.at("previousState"), "working");
    EXPECT_EQ(o.at("since"), 1234);
    auto ended = waiting();
    ended.activity = activity(ActivityState::Completed);
    auto e = json::parse(noticeJson(ended)).as_object();
    EXPECT_TRUE(e.at("waitingFor").is_null());
    EXPECT_TRUE(e.at("reason").is_null());

    EXPECT_EQ(noticeText(waiting()), "waiting for permission: wants to run `rm -rf build`");
    EXPECT_EQ(noticeText(ended), "completed");
    auto idle = waiting();
    idle.activity = activity(ActivityState::Idle);
    EXPECT_EQ(noticeText(idle), "finished its turn");

    auto env = noticeEnvironment(waiting());
    auto has = [&](const std::string& pair) {
        return std::find(env.begin(), env.end(), pair) != env.end();
    };
    EXPECT_TRUE(has("PARAWORK_SESSION_ID=s1"));
    EXPECT_TRUE(has("PARAWORK_STATE=waiting"));
    EXPECT_TRUE(has("PARAWORK_REASON=wants to run `rm -rf build`"));
    EXPECT_TRUE(has("PARAWORK_WORKSPACE=web"));
}

TEST(AttentionNotice, WebhookBodiesPerFormat) {
    EXPECT_EQ(parseWebhookFormat("ntfy"), WebhookFormat::Ntfy);
    EXPECT_EQ(parseWebhookFormat("Slack"), std::nullopt);
    auto j = webhookRequest(WebhookFormat::Json, waiting());
    EXPECT_EQ(j.headers.at(0).second, "application/json");
    EXPECT_EQ(json::parse(j.body).at("sessionId"), "s1");
    auto slack = webhookRequest(WebhookFormat::Slack, waiting());
    EXPECT_EQ(json::parse(slack.body).at("text"),
              "parawork: web: waiting for permission: wants to run `rm -rf build`");
    auto notice = waiting();
    notice.workspaceName = "evil\r\nX-Injected: 1";
    auto ntfy = webhookRequest(WebhookFormat::Ntfy, notice);
    EXPECT_EQ(ntfy.body, "waiting for permission: wants to run `rm -rf build`");
    ASSERT_EQ(ntfy.headers.at(1).first, "Title");
    // A header value stays one line.
    EXPECT_EQ(ntfy.headers.at(1).second.find_first_of("\r\n"), std::string::npos);
}

}  // namespace
}  // namespace parawork::daemon
