#include "proxy/pages.hpp"

namespace parawork::proxy {
namespace {

constexpr std::string_view kStyle = R"css(
:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { margin: 0; padding: 2rem; background: Canvas; color: CanvasText; }
h1 { font-size: 1.25rem; margin: 0 0 .25rem; }
p { margin: .25rem 0 1rem; opacity: .8; }
pre { background: #111; color: #ddd; padding: 1rem; border-radius: 6px; max-height: 70vh;
      overflow: auto; white-space: pre-wrap; word-break: break-all; font-size: 12px; }
.spinner { display: inline-block; width: .8em; height: .8em; border: 2px solid currentColor;
           border-right-color: transparent; border-radius: 50%; animation: spin 1s linear infinite;
           vertical-align: -0.1em; margin-right: .4em; }
@keyframes spin { to { transform: rotate(360deg); } }
)css";

// Polls the proxy (same origin) and reloads once the port answers. No session text is ever put
// into the DOM as HTML.
constexpr std::string_view kScript = R"js(
(() => {
  const out = document.getElementById("output");
  const status = document.getElementById("status");
  let offset = Number(out.dataset.offset);
  async function poll() {
    try {
      const res = await fetch("/__parawork/output?offset=" + offset, { cache: "no-store" });
      const body = await res.json();
      if (body.text) {
        const atBottom = out.scrollTop + out.clientHeight >= out.scrollHeight - 4;
        out.append(document.createTextNode(body.text));
        if (atBottom) out.scrollTop = out.scrollHeight;
      }
      offset = body.next;
      if (body.state === "ready") { status.textContent = "Ready, loading the app…"; location.reload(); return; }
      if (body.state === "ended") {
        status.textContent = "The session ended" +
          (body.exitCode === null || body.exitCode === undefined ? "" : " (exit code " + body.exitCode + ")") +
          " before port " + out.dataset.port + " answered.";
        return;
      }
    } catch (e) { /* the daemon restarts: try again */ }
    setTimeout(poll, 400);
  }
  setTimeout(poll, 200);
})();
)js";

}  // namespace

std::string loadingPage(const SessionView& view) {
    auto port = std::to_string(view.port);
    std::string status;
    if (view.ended) {
        status = "The session ended";
        if (view.exitCode) status += " (exit code " + std::to_string(*view.exitCode) + ")";
        if (!view.exitReason.empty()) status += ", " + view.exitReason;
        status += " before port " + port + " answered. Its last lines:";
    } else {
        status = "Waiting for port " + port + " to answer. The session's output, live:";
    }
    std::string page =
        "<!doctype html><html><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width\">"
        "<title>" +
        std::string(view.ended ? "Ended" : "Starting") + " · port " + port +
        " · parawork</title><style>" + std::string(kStyle) + "</style></head><body><h1>" +
        (view.ended ? std::string() : "<span class=\"spinner\"></span>") + htmlEscape(view.title) +
        "</h1><p id=\"status\">" + htmlEscape(status) + "</p><pre id=\"output\" data-port=\"" +
        port + "\" data-offset=\"" + std::to_string(view.offset) + "\">" +
        htmlEscape(view.outputTail) + "</pre>";
    if (!view.ended) page += "<script>" + std::string(kScript) + "</script>";
    return page + "</body></html>";
}

std::string messagePage(std::string_view title, std::string_view message) {
    return "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + htmlEscape(title) +
           " · parawork</title><style>" + std::string(kStyle) + "</style></head><body><h1>" +
           htmlEscape(title) + "</h1><p>" + htmlEscape(message) + "</p></body></html>";
}

}  // namespace parawork::proxy
