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
    static const RequestGate gate = [] {
        SecurityPolicy policy;
        policy.port = 3000;
        policy.allowedHosts = {"name"};
        policy.allowedOrigins = {"http://localhost:5173"};
        policy.tokens = std::make_shared<parawork::auth::TokenRegistry>(
            "0123456789abcdef0123456789abcdef", nullptr);
        policy.limiter = std::make_shared<parawork::auth::LoginLimiter>();
        policy.trustedProxies = {"127.0.0.1"};
        return RequestGate(policy);
    }();
    gate.hostAllowed(text);
    gate.originAllowed(text);
    cookieValue(text, kTokenCookie);
    localRedirectPath(text);
    isCredentialParameter(text);
    Request req;
    req.method = "POST";
    req.path = "/api/x";
    req.headers = {{"host", text},
                   {"origin", text},
                   {"cookie", text},
                   {"content-type", "application/json"},
                   {"x-forwarded-for", text},
                   {"x-forwarded-proto", text}};
    req.body = text;
    gate.identify(req, Peer{Transport::Tcp, "127.0.0.1", false});
    gate.admitHttp(req);
    gate.admitWebSocket(req);
    parseJsonBody(req);
    return 0;
}
