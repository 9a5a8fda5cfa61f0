// The proxy's own pages never put session text into HTML unescaped.
#include <gtest/gtest.h>

#include "proxy/pages.hpp"

namespace parawork::proxy {
namespace {

TEST(ProxyPages, EscapesHtml) {
    EXPECT_EQ(htmlEscape("<script>alert('x')</script> & \"q\""),
              "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
}

TEST(ProxyPages, TheLoadingPageShowsEscapedOutputAndPollsWhileWaiting) {
    SessionView view;
    view.port = 5173;
    view.title = "npm <run> dev";
    view.outputTail = "<img src=x onerror=alert(1)>\nready soon";
    view.offset = 1234;
    auto page = loadingPage(view);
    EXPECT_EQ(page.find("<img src=x"), std::string::npos);
    EXPECT_NE(page.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
    EXPECT_NE(page.find("npm &lt;run&gt; dev"), std::string::npos);
    EXPECT_NE(page.find("data-offset=\"1234\""), std::string::npos);
    EXPECT_NE(page.find("/__parawork/output"), std::string::npos);
    EXPECT_NE(page.find("Waiting for port 5173"), std::string::npos);
}

TEST(ProxyPages, AnEndedSessionsPageSaysSoAndDoesNotPoll) {
    SessionView view;
    view.port = 8000;
    view.ended = true;
    view.exitCode = 1;
    view.exitReason = "failed";
    view.outputTail = "Error: Cannot find module 'vite'";
    auto page = loadingPage(view);
    EXPECT_NE(page.find("The session ended (exit code 1)"), std::string::npos);
    EXPECT_NE(page.find("Cannot find module &#39;vite&#39;"), std::string::npos);
    EXPECT_EQ(page.find("<script>"), std::string::npos);
}

}  // namespace
}  // namespace parawork::proxy
