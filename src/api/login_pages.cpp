#include "api/login_pages.hpp"

#include <string>

#include "api/security.hpp"
#include "core/html.hpp"
#include "core/secrets.hpp"

namespace parawork::api {
namespace {

constexpr std::string_view kStyle =
    "<style>body{font:15px system-ui,sans-serif;max-width:30em;margin:12vh auto;padding:0 1em;"
    "color:#222}input{font:inherit;width:100%;box-sizing:border-box;padding:.5em;margin:.5em 0}"
    "button{font:inherit;padding:.5em 1.2em}.problem{color:#b00020}code{font-size:90%}"
    "@media(prefers-color-scheme:dark){body{background:#1e1e1e;color:#ddd}}</style>";

Response page(unsigned status, std::string body, std::string csp) {
    Response res;
    res.status = status;
    res.contentType = "text/html; charset=utf-8";
    res.body = std::move(body);
    res.set("Content-Security-Policy", std::move(csp));
    res.set("Cache-Control", "no-store");
    res.set("Referrer-Policy", "no-referrer");
    res.set("X-Frame-Options", "DENY");
    return res;
}

}  // namespace

Response loginPage(unsigned status, std::string_view problem) {
    std::string body =
        "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
        "content=\"width=device-width\"><title>parawork — log in</title>" +
        std::string(kStyle) + "</head><body><h1>parawork</h1>";
    if (!problem.empty()) body += "<p class=\"problem\">" + core::htmlEscape(problem) + "</p>";
    body +=
        "<p>Open the login link that <code>parawork serve</code> printed (or <code>parawork "
        "token link</code> prints), or paste a token:</p>"
        "<form method=\"get\" action=\"/\"><input type=\"password\" name=\"token\" "
        "autocomplete=\"off\" placeholder=\"token\" required autofocus><button>Log in</button>"
        "</form></body></html>";
    return page(status, std::move(body),
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                "frame-ancestors 'none'; base-uri 'none'");
}

Response previewLoginPage() {
    std::string nonce = core::randomHex(16);
    std::string body =
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Opening the preview…</title>" +
        std::string(kStyle) +
        "</head><body><p id=\"message\">Opening the preview…</p>"
        // Shown when not logged in: the token goes through the token link's login on this
        // origin and comes back here with `to` kept, so the preview opens without a detour.
        "<form id=\"login\" method=\"get\" action=\"" +
        std::string(kPreviewLoginPath) +
        "\" hidden><input type=\"hidden\" name=\"to\" id=\"to\"><input "
        "type=\"password\" name=\"token\" autocomplete=\"off\" placeholder=\"token\" "
        "required><button>Log in</button></form><script nonce=\"" +
        nonce +
        "\">(async () => {\n"
        "  const show = (text) => { document.getElementById('message').textContent = text; };\n"
        "  const to = new URLSearchParams(location.search).get('to');\n"
        "  if (!to) return show('No preview was named.');\n"
        "  try {\n"
        "    const res = await fetch('/api/preview-auth', {method: 'POST', credentials: "
        "'same-origin', headers: {'Content-Type': 'application/json'}, body: "
        "JSON.stringify({url: to})});\n"
        "    const answer = await res.json();\n"
        "    if (res.ok) return location.replace(answer.data.redirect);\n"
        "    if (res.status !== 401 && res.status !== 403)\n"
        "      return show(answer.error || 'The preview cannot be opened.');\n"
        "    show('Log in to parawork to open this preview: open your login link, or paste a "
        "token.');\n"
        "    document.getElementById('to').value = to;\n"
        "    document.getElementById('login').hidden = false;\n"
        "  } catch (e) { show('The preview cannot be opened: ' + e); }\n"
        "})();</script></body></html>";
    return page(200, std::move(body),
                "default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-" + nonce +
                    "'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                    "base-uri 'none'");
}

}  // namespace parawork::api
