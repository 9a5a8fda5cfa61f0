// The daemon's credentials never cross the preview proxy.
#include <gtest/gtest.h>

#include "proxy/credentials.hpp"

namespace parawork::proxy {
namespace {

const IsToken secret = [](std::string_view value) { return value == "SECRET"; };

TEST(ProxyCredentials, TheLoginCookieIsRemovedOthersKept) {
    EXPECT_EQ(withoutCookie("a=1; parawork_token=SECRET; b=2", "parawork_token"), "a=1; b=2");
    EXPECT_EQ(withoutCookie("parawork_token=SECRET", "parawork_token"), std::nullopt);
    EXPECT_EQ(withoutCookie(" parawork_token = x ;theme=dark", "parawork_token"), "theme=dark");
    EXPECT_EQ(withoutCookie("parawork_token_x=1; xparawork_token=2", "parawork_token"),
              "parawork_token_x=1; xparawork_token=2");
    EXPECT_EQ(withoutCookie("", "parawork_token"), std::nullopt);
}

TEST(ProxyCredentials, TheTokenIsRecognisedInAuthorizationAndApiKey) {
    EXPECT_TRUE(carriesToken("Bearer SECRET", secret));
    EXPECT_TRUE(carriesToken("bearer SECRET ", secret));
    EXPECT_TRUE(carriesToken("SECRET", secret));
    EXPECT_FALSE(carriesToken("Bearer other", secret));
    EXPECT_FALSE(carriesToken("Basic dXNlcjpwYXNz", secret));
    EXPECT_FALSE(carriesToken("", secret));
}

TEST(ProxyCredentials, TokenParametersAreRemovedFromTargets) {
    EXPECT_EQ(withoutTokenParameters("/a?token=SECRET", secret), "/a");
    EXPECT_EQ(withoutTokenParameters("/a?x=1&token=SECRET&y=%20", secret), "/a?x=1&y=%20");
    EXPECT_EQ(withoutTokenParameters("/a?api_key=SECRET#top", secret), "/a#top");
    EXPECT_EQ(withoutTokenParameters("/a?token=mine", secret), "/a?token=mine");
    EXPECT_EQ(withoutTokenParameters("/SECRET/page", secret), "/SECRET/page");
    EXPECT_EQ(withoutTokenParameters("/a?q=SECRET", secret), "/a?q=SECRET");
}

TEST(ProxyCredentials, EncodedTokenParametersAreRemovedAsTheGateDecodesThem) {
    // The daemon accepts ?api%5fkey=<token> as its api_key: so must the proxy strip it.
    EXPECT_EQ(withoutTokenParameters("/a?api%5fkey=SECRET&x=1", secret), "/a?x=1");
    EXPECT_EQ(withoutTokenParameters("/a?api%5Fkey=SECRET", secret), "/a");
    EXPECT_EQ(withoutTokenParameters("/a?%74oken=SECRET", secret), "/a");
    EXPECT_EQ(withoutTokenParameters("/a?api_key=%53ECRET", secret), "/a");
    EXPECT_EQ(withoutTokenParameters("/a?api%5fkey=mine", secret), "/a?api%5fkey=mine");
    EXPECT_EQ(withoutTokenParameters("/a?api%5fkey2=SECRET", secret), "/a?api%5fkey2=SECRET");
}

TEST(ProxyCredentials, SetCookieOfTheLoginCookieIsRecognised) {
    EXPECT_TRUE(setsCookie("parawork_token=x; Path=/; HttpOnly", "parawork_token"));
    EXPECT_TRUE(setsCookie(" parawork_token=", "parawork_token"));
    EXPECT_FALSE(setsCookie("session=abc; Path=/", "parawork_token"));
    EXPECT_FALSE(setsCookie("parawork_token2=x", "parawork_token"));
}

}  // namespace
}  // namespace parawork::proxy
