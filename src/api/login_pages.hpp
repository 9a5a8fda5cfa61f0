// The pages the gate answers with itself on the UI's origin: the login page (all a remote client
// without a credential ever sees) and the preview login page, which fetches a one-time code for
// a preview origin with the login cookie and sends the browser on (the cookie is SameSite=Strict,
// so it is sent by this page's own request, not by the cross-site navigation that led here).
#pragma once

#include <string_view>

#include "api/http_types.hpp"

namespace parawork::api {

/// An HTML login page with `status`: a form that takes the token (sent as the token link is),
/// and `problem` (our own text) above it when not empty.
Response loginPage(unsigned status, std::string_view problem);

/// GET /__parawork/preview-login?to=<preview URL>: posts the URL to POST /api/preview-auth
/// and follows the redirect it answers with, or says why not.
Response previewLoginPage();

}  // namespace parawork::api
