// Preview hosts: what is a preview origin and what isn't.
#include <gtest/gtest.h>

#include "ports/preview_host.hpp"

namespace parawork::ports {
namespace {

TEST(PreviewHost, ParsesPortAndWorkspaceKeyInAnyCase) {
    auto host = parsePreviewHost("5173-1A2b3c4D.LocalHost:3000", "localhost", 3000);
    ASSERT_TRUE(host.has_value());
    EXPECT_EQ(host->port, 5173);
    EXPECT_EQ(host->workspaceKey, "1a2b3c4d");
    EXPECT_TRUE(parsePreviewHost("80-1a2b3c4d.localhost.:3000", "localhost", 3000));
    EXPECT_TRUE(parsePreviewHost("80-1a2b3c4d.localhost", "localhost", 0));
    EXPECT_TRUE(parsePreviewHost("80-1a2b3c4d.preview.example.com:443", "preview.example.com", 0));
}

TEST(PreviewHost, RefusesEverythingElse) {
    for (const char* bad : {"localhost:3000", "127.0.0.1:3000", "1a2b3c4d.localhost:3000",
                            "0-1a2b3c4d.localhost:3000", "65536-1a2b3c4d.localhost:3000",
                            "05173-1a2b3c4d.localhost:3000", "x5173-1a2b3c4d.localhost:3000",
                            "5173-1a2b3c4.localhost:3000", "5173-1a2b3c4dd.localhost:3000",
                            "5173-1a2b3c4g.localhost:3000", "5173-1a2b3c4d.evil.com:3000",
                            "5173-1a2b3c4d.localhost.evil.com:3000", "a.5173-1a2b3c4d.localhost",
                            "5173-1a2b3c4d.localhost:4000", "5173-1a2b3c4d.localhost:abc",
                            "5173-1a2b3c4d.localhost:", "", "-.localhost"})
        EXPECT_FALSE(parsePreviewHost(bad, "localhost", 3000)) << bad;
}

TEST(PreviewHost, UrlsRoundTrip) {
    auto url = previewUrl(8000, "6EFF25B1-aaaa-bbbb", "localhost", 36725);
    EXPECT_EQ(url, "http://8000-6eff25b1.localhost:36725/");
    auto host = parsePreviewHost("8000-6eff25b1.localhost:36725", "localhost", 36725);
    ASSERT_TRUE(host);
    EXPECT_EQ(host->workspaceKey, workspaceKey("6EFF25B1-aaaa-bbbb"));
}

}  // namespace
TEST(PreviewHost, UrlsLeaveOutTheSchemesDefaultPort) {
    EXPECT_EQ(previewUrl(8000, "6eff25b1-aaaa", "preview.example.com", 443, "https"),
              "https://8000-6eff25b1.preview.example.com/");
    EXPECT_EQ(previewUrl(8000, "6eff25b1-aaaa", "preview.example.com", 3443, "https"),
              "https://8000-6eff25b1.preview.example.com:3443/");
    EXPECT_EQ(previewUrl(8000, "6eff25b1-aaaa", "localhost", 80, "http"),
              "http://8000-6eff25b1.localhost/");
    EXPECT_EQ(originOf("https", "preview.example.com", 80), "https://preview.example.com:80");
    // Behind a proxy on 443 the browser's Host has no port.
    EXPECT_TRUE(parsePreviewHost("8000-6eff25b1.preview.example.com", "preview.example.com", 443));
}

}  // namespace parawork::ports
