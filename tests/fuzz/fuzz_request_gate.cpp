// libFuzzer target: the request gate's parsers of untrusted headers (Host, Origin, Cookie) and
// the JSON body rules.
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/json_body.hpp"
#include "api/security.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace parawork::api;
    std::string text(reinterpret_cast<const char*>(data), size);
    static const RequestGate gate(SecurityPolicy{
        3000, {"name"}, {"http://localhost:5173"}, "0123456789abcdef0123456789abcdef"});
    gate.hostAllowed(text);
    gate.originAllowed(text);
    cookieValue(text, kTokenCookie);
    Request req;
    req.method = "POST";
    req.path = "/api/x";
    req.headers = {
        {"host", text}, {"origin", text}, {"cookie", text}, {"content-type", "application/json"}};
    req.body = text;
    gate.admitHttp(req);
    gate.admitWebSocket(req);
    parseJsonBody(req);
    return 0;
}
