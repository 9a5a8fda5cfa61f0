// Route matching, parameters and JSON body rules.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "api/json_body.hpp"
#include "api/router.hpp"

namespace parawork::api {
namespace {

Request request(std::string method, std::string path) {
    Request r;
    r.method = std::move(method);
    r.path = std::move(path);
    return r;
}

TEST(Router, MatchesParamsCaseInsensitivelyAndWithTrailingSlash) {
    Router router;
    router.add("GET", "/api/sessions/:id/logs",
               [](Request& r) { return ok(boost::json::string(r.params["id"])); });
    router.add("POST", "/api/sessions/:id/stop", [](Request&) { return ok(nullptr, 201); });
    auto r = request("GET", "/API/Sessions/abc/logs/");
    auto res = router.dispatch(r);
    EXPECT_EQ(res.status, 200u);
    EXPECT_EQ(res.body, R"({"success":true,"data":"abc"})");
    auto post = request("POST", "/api/sessions/x/stop");
    EXPECT_EQ(router.dispatch(post).status, 201u);
    auto wrongMethod = request("GET", "/api/sessions/x/stop");
    auto notFound = router.dispatch(wrongMethod);
    EXPECT_EQ(notFound.status, 404u);
    EXPECT_EQ(notFound.body, R"({"success":false,"error":"Endpoint not found"})");
    auto head = request("HEAD", "/api/sessions/x/logs");
    EXPECT_EQ(router.dispatch(head).status, 200u);
    EXPECT_TRUE(router.knows("/api/sessions/q/stop"));
    EXPECT_FALSE(router.knows("/api/sessions"));
}

TEST(Router, UpgradeRoutesAreApartFromPlainRoutes) {
    Router router;
    router.addUpgrade("/api/sessions/:id/attach", Upgrade::Attach);
    router.add("GET", "/api/sessions/:id", [](Request&) { return ok(nullptr); });
    auto attach = request("GET", "/api/Sessions/s1/attach/");
    EXPECT_EQ(router.upgradeFor(attach), Upgrade::Attach);
    EXPECT_EQ(attach.params["id"], "s1");
    // A plain request for an upgrade route finds no handler, and a plain route opens no socket.
    EXPECT_EQ(router.dispatch(attach).status, 404u);
    auto plain = request("GET", "/api/sessions/s1");
    EXPECT_EQ(router.upgradeFor(plain), std::nullopt);
    EXPECT_TRUE(plain.params.empty());
    EXPECT_EQ(router.dispatch(plain).status, 200u);
}

TEST(SplitPath, Segments) {
    EXPECT_EQ(splitPath("/a//b/"), (std::vector<std::string_view>{"a", "b"}));
    EXPECT_TRUE(splitPath("/").empty());
}

TEST(JsonBody, RulesForBodies) {
    auto r = request("POST", "/api/x");
    EXPECT_FALSE(parseJsonBody(r));  // empty body → {}
    EXPECT_TRUE(r.json.is_object());

    r.body = "name=x";
    r.headers["content-type"] = "application/x-www-form-urlencoded";
    auto form = parseJsonBody(r);
    ASSERT_TRUE(form);
    EXPECT_EQ(form->status, 415u);

    r.headers.erase("content-type");
    ASSERT_TRUE(parseJsonBody(r));
    EXPECT_EQ(parseJsonBody(r)->status, 415u);

    r.headers["content-type"] = "application/json; charset=utf-8";
    r.body = "{\"name\": ";
    auto bad = parseJsonBody(r);
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400u);
    EXPECT_NE(bad->body.find("Malformed JSON"), std::string::npos);

    r.body = "[1,2]";
    ASSERT_TRUE(parseJsonBody(r));
    EXPECT_EQ(parseJsonBody(r)->status, 400u);

    r.body = R"({"name":"ws"})";
    EXPECT_FALSE(parseJsonBody(r));
    EXPECT_EQ(r.json.at("name").as_string(), "ws");

    r.headers["content-type"] = "application/merge-patch+json";
    EXPECT_FALSE(parseJsonBody(r));
}

}  // namespace
}  // namespace parawork::api
