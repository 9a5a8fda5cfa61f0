// The screen and keys routes (see screen_routes.hpp): parse, call the session service, answer.
#include "api/screen_routes.hpp"

#include <boost/json/array.hpp>

#include "api/body_fields.hpp"
#include "api/service_answer.hpp"
#include "core/key_names.hpp"

namespace parawork::api {

namespace json = boost::json;

json::object screenJson(const host::ScreenText& screen) {
    json::array lines(screen.lines.begin(), screen.lines.end());
    std::string text = host::visibleText(screen);
    return {
        {"offset", screen.offset},
        {"cols", screen.size.cols},
        {"rows", screen.size.rows},
        {"cursor",
         {{"row", screen.cursorRow}, {"col", screen.cursorCol}, {"visible", screen.cursorVisible}}},
        {"altScreen", screen.altScreen},
        {"title", screen.title},
        {"lines", std::move(lines)},
        {"text", std::move(text)}};
}

void addScreenRoutes(Router& router, session::SessionService& sessions) {
    router.add("GET", "/api/sessions/:id/screen", [&sessions](Request& req) {
        return answering([&] { return ok(screenJson(sessions.screen(req.params["id"]))); });
    });
    router.add("POST", "/api/sessions/:id/keys", [&sessions](Request& req) {
        auto keys = optionalStringArray(req.json, "keys", core::kMaxKeysPerRequest);
        if (!keys || keys->empty())
            return fail(400, "keys: expected an array of 1 to " +
                                 std::to_string(core::kMaxKeysPerRequest) + " strings");
        bool literal = optionalBool(req.json, "literal").value_or(false);
        return answering([&] {
            sessions.sendKeys(req.params["id"], *keys, literal);
            return ok(nullptr);
        });
    });
}

}  // namespace parawork::api
