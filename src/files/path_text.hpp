// Paths as text, the way the original server (Node's `path` module) shows them to the client:
// trimming, "~" expansion, normalization that keeps a trailing slash, dirname and join. Nothing
// here touches the filesystem; what a path may reach is decided by path_rules.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace parawork::files {

/// `text` without leading and trailing ASCII whitespace (JavaScript's trim, for ASCII).
std::string_view trimmed(std::string_view text);

/// "~" → `home`, "~/x" → `home` + "/x"; anything else (including "~user") unchanged.
std::string expandTilde(std::string_view path, const std::string& home);

/// Node's path.normalize for an absolute path: repeated '/' and "." segments go, a trailing
/// '/' stays. ".." segments are kept as they are (the path rules refuse them anyway).
std::string normalizeShown(std::string_view absolutePath);

/// Node's path.dirname of a normalized absolute path; nullopt for "/".
std::optional<std::string> parentShown(std::string_view normalizedPath);

/// `dir` + "/" + `name`, without doubling a trailing '/' of `dir` ("/" + "a" → "/a").
std::string childShown(std::string_view dir, std::string_view name);

/// ASCII lower case (file names are bytes; JavaScript's Unicode lower-casing is not attempted).
std::string lowerAscii(std::string_view text);

/// Case-insensitive order of file names: lower-cased bytes, then the bytes themselves.
bool nameLess(std::string_view a, std::string_view b);

}  // namespace parawork::files
