// Which runtime versions a workspace asks for (.nvmrc, .node-version, .python-version,
// .tool-versions, package.json "engines") and whether an installed version meets them (npm's
// range forms: 18, 18.x, >=18 <21, ^18.2, ~3.11, ||).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "deps/dependency_report.hpp"

namespace parawork::deps {

/// Tool name -> the version asked for, from the files at `root`. The more specific file wins:
/// .nvmrc / .node-version / .python-version, then .tool-versions, then engines.
std::map<std::string, VersionHint> readVersionHints(const std::filesystem::path& root);

/// Whether `version` ("v18.19.0", "Python 3.11.2", "18.19.0") meets `wanted`; nullopt when either
/// cannot be understood ("lts/*", "system", a version with no number).
std::optional<bool> versionSatisfies(std::string_view version, std::string_view wanted);

/// The first dotted number in `text` ("go version go1.21.5 linux/amd64" -> "1.21.5").
std::optional<std::string> extractVersion(std::string_view text);

}  // namespace parawork::deps
