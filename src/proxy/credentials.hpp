// The daemon's credentials never cross the preview proxy: its login cookie, its token in an
// Authorization/X-API-Key header or in a query parameter are removed from requests, and an
// upstream's attempt to set the login cookie is removed from responses. Plain string work, so
// it is unit tested without sockets.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace parawork::proxy {

/// Whether a value is one of the daemon's tokens (the owner's or a device's, as they are now).
using IsToken = std::function<bool(std::string_view)>;

struct DaemonCredentials {
    IsToken isToken;
    std::string cookieName = "parawork_token";
    /// The preview origin's own credential, which is the proxy's and never the upstream's.
    std::string passCookieName = "parawork_preview";
};

/// The Cookie header without `name`'s cookie(s); nullopt when nothing else is left (drop the
/// header). Other cookies keep their order and spelling.
std::optional<std::string> withoutCookie(std::string_view cookieHeader, std::string_view name);

/// Whether an Authorization or X-API-Key value carries a token ("Bearer T", "T").
bool carriesToken(std::string_view value, const IsToken& isToken);

/// A request target ("/path?a=1&token=T") without the query parameters `token` and `api_key`
/// whose value is a daemon's token, names and values compared percent-decoded as the gate
/// decodes them (api::isCredentialParameter); other parameters are kept byte for byte.
std::string withoutTokenParameters(std::string_view target, const IsToken& isToken);

/// Whether a Set-Cookie value sets the cookie `name`.
bool setsCookie(std::string_view setCookie, std::string_view name);

}  // namespace parawork::proxy
