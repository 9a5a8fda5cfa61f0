// URLs and port phrases in output: what dev servers print (positive table), what must not count
// (negative table), limits.
#include <string>

#include <gtest/gtest.h>

#include "ports/output_urls.hpp"

namespace parawork::ports {
namespace {

struct Positive {
    const char* line;
    std::uint16_t port;
    const char* url;  // "" when only a phrase names the port
};

TEST(OutputUrls, DevServerPhrasings) {
    const Positive table[] = {
        // Vite
        {"  ➜  Local:   http://localhost:5173/", 5173, "http://localhost:5173/"},
        {"  Local:   http://localhost:5173/", 5173, "http://localhost:5173/"},
        // Next.js
        {"ready - started server on 0.0.0.0:3000, url: http://localhost:3000", 3000,
         "http://localhost:3000"},
        {"ready - started server on 0.0.0.0:3000", 3000, ""},
        {"   - Local:        http://localhost:3000", 3000, "http://localhost:3000"},
        // Flask, uvicorn, Rails/Puma, Django
        {" * Running on http://127.0.0.1:5000", 5000, "http://127.0.0.1:5000"},
        {"INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)", 8000,
         "http://127.0.0.1:8000"},
        {"* Listening on http://127.0.0.1:3000", 3000, "http://127.0.0.1:3000"},
        {"* Listening on http://[::1]:3000", 3000, "http://[::1]:3000"},
        {"Starting development server at http://127.0.0.1:8000/", 8000, "http://127.0.0.1:8000/"},
        // webpack-dev-server
        {"<i> [webpack-dev-server] Project is running at http://localhost:8080/", 8080,
         "http://localhost:8080/"},
        {"<i> [webpack-dev-server] Loopback: http://localhost:8080/", 8080,
         "http://localhost:8080/"},
        // Express and friends
        {"Listening on :8000", 8000, ""},
        {"listening on port 8000", 8000, ""},
        {"Example app listening on port 3000!", 3000, ""},
        {"Server running at http://localhost:3000/", 3000, "http://localhost:3000/"},
        {"Server listening on *:4000", 4000, ""},
        {"2024/01/02 12:30:45 listening on [::]:8080", 8080, ""},
        // python -m http.server
        {"Serving HTTP on :: port 8000 (http://[::]:8000/) ...", 8000, "http://[::]:8000/"},
        {"Serving HTTP on 0.0.0.0 port 8000 ...", 8000, ""},
        // Other hosts and forms
        {"open https://localhost:8443/app?x=1 in a browser", 8443,
         "https://localhost:8443/app?x=1"},
        {"Go to HTTP://LOCALHOST:3000.", 3000, "HTTP://LOCALHOST:3000"},
        {"(see http://0.0.0.0:9000)", 9000, "http://0.0.0.0:9000"},
        {"url=\"http://localhost:4321/docs\"", 4321, "http://localhost:4321/docs"},
        {"server on 127.0.0.1:65535", 65535, ""},
        {"listening at localhost:1", 1, ""},
    };
    for (const Positive& p : table) {
        auto found = findOutputUrls(p.line);
        ASSERT_FALSE(found.empty()) << p.line;
        EXPECT_EQ(found[0].port, p.port) << p.line;
        EXPECT_EQ(found[0].url, p.url) << p.line;
        EXPECT_EQ(found.size(), 1u) << p.line;
    }
}

TEST(OutputUrls, NothingToFind) {
    const char* table[] = {
        "",
        "version 1.2.3:4567",
        "12:30:45 compiled successfully",
        "[12:30:45] building...",
        "http://localhost/",                   // no port
        "http://localhost:0/",                 // port 0
        "http://localhost:65536/",             // out of range
        "http://localhost:123456/",            // too many digits
        "http://localhost:3000abc",            // not a port
        "http://example.com:3000/",            // not local
        "http://localhost.example.com:3000/",  // not local
        "http://192.168.1.5:5173/",            // Vite's Network line: not loopback
        "mylocalhost:3000",
        "1127.0.0.1:5000",
        "connecting to database on port 5432",
        "export PORT=3000",
        "Port 3000 is in use, trying another one...",
        "Error: listen EADDRINUSE: address already in use 127.0.0.1:3000",
        "Something is already running on port 3000.",
        "ratio 16:9 at 1080p",
        "listening on socket /tmp/x.sock",
        "running on node 18.17.0",
    };
    for (const char* line : table) EXPECT_TRUE(findOutputUrls(line).empty()) << line;
}

TEST(OutputUrls, SeveralPortsOnOneLineComeOnceEach) {
    auto found = findOutputUrls(
        "api on http://localhost:8000/ and web on http://localhost:5173/, again "
        "http://127.0.0.1:8000/ listening on port 9229");
    ASSERT_EQ(found.size(), 3u);
    EXPECT_EQ(found[0], (OutputUrl{8000, "http://localhost:8000/"}));
    EXPECT_EQ(found[1], (OutputUrl{5173, "http://localhost:5173/"}));
    EXPECT_EQ(found[2], (OutputUrl{9229, ""}));
}

TEST(OutputUrls, OnlyTheLinesHeadIsScanned) {
    std::string longLine(kMaxScannedLineBytes, 'x');
    EXPECT_TRUE(findOutputUrls(longLine + " http://localhost:3000/").empty());
    EXPECT_EQ(findOutputUrls("http://localhost:3000/ " + longLine).size(), 1u);
}

TEST(OutputUrls, PathologicalLinesStayLinear) {
    // Many near-misses: each must be rejected without rescanning the line (no timing assertion;
    // a quadratic scanner would make this test crawl).
    std::string line;
    for (int i = 0; i < 2000; ++i) line += "port listening on http://localhost: ";
    EXPECT_TRUE(findOutputUrls(line).empty());
}

}  // namespace
}  // namespace parawork::ports
