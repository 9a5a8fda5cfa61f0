// libFuzzer target: what the ports and proxy rooms parse from untrusted text — output lines
// (URLs, ready lines), preview Host headers, Cookie headers and request targets.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ports/output_urls.hpp"
#include "ports/preview_host.hpp"
#include "ports/readiness.hpp"
#include "proxy/credentials.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace parawork;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    for (const auto& url : ports::findOutputUrls(text))
        if (url.port == 0) __builtin_trap();
    ports::isReadyLine(text);
    if (auto host = ports::parsePreviewHost(text, "localhost", 0))
        if (host->port == 0 || host->workspaceKey.size() != ports::kWorkspaceKeyLength)
            __builtin_trap();
    proxy::withoutCookie(text, "parawork_token");
    auto target = proxy::withoutTokenParameters(
        text, [](std::string_view value) { return value == "secret"; });
    if (target.size() > text.size()) __builtin_trap();
    proxy::setsCookie(text, "parawork_token");
    return 0;
}
