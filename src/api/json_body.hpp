// Request bodies are JSON and only JSON (DESIGN §7): a form-encoded body is refused with 415, a
// malformed one with 400 and the parser's reason — never the original server's 500.
#pragma once

#include <optional>

#include "api/http_types.hpp"

namespace parawork::api {

/// Parses req.body into req.json (an object; `{}` for an empty body). Returns the refusal, or
/// nullopt on success. Bodies of GET/HEAD/OPTIONS are ignored.
std::optional<Response> parseJsonBody(Request& req);

}  // namespace parawork::api
