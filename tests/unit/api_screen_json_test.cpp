// Unit tests of the screen's JSON (GET /api/sessions/:id/screen): every row in `lines`, and
// `text` as capture-pane prints it — one line each, without the blank rows at the bottom.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "api/screen_routes.hpp"

namespace parawork::api {
namespace {

namespace json = boost::json;

TEST(ScreenJson, CarriesEveryFieldAndTheTextWithoutTheBlankBottom) {
    host::ScreenText screen{7, {10, 4}, 1, 3, false, true, "agent", {"first", "", "  third", ""}};
    json::object data = screenJson(screen);
    EXPECT_EQ(json::serialize(data),
              R"({"offset":7,"cols":10,"rows":4,"cursor":{"row":1,"col":3,"visible":false},)"
              R"("altScreen":true,"title":"agent","lines":["first","","  third",""],)"
              R"("text":"first\n\n  third\n"})");
}

TEST(ScreenJson, ABlankScreenHasNoText) {
    host::ScreenText screen;
    screen.lines = {"", "", ""};
    EXPECT_EQ(screenJson(screen).at("text"), "");
    EXPECT_EQ(screenJson(screen).at("lines").as_array().size(), 3u);
}

}  // namespace
}  // namespace parawork::api
