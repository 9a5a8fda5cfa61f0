// Text placed into HTML pages the daemon writes itself (login pages, preview pages).
#pragma once

#include <string>
#include <string_view>

namespace parawork::core {

/// `text` with &, <, >, " and ' escaped, safe in element content and quoted attributes.
std::string htmlEscape(std::string_view text);

}  // namespace parawork::core
