// The operating system's own directories, which the original refuses for every file API
// (protocol §5): /etc, /usr, /proc, … Compared lower-cased, as the original did. An allowed root
// that lies inside one of them lifts the ban for paths inside that root, so a daemon running as
// root with HOME=/root can still use /root when it is the root.
#pragma once

#include <filesystem>

#include "files/path_rules.hpp"

namespace parawork::files {

/// Which list applies: §5.1 (repositories and workspaces) or §5.2 (browse and list).
enum class SystemDirList { Project, Browse };

/// True when `path` (absolute, normalized) is a listed system directory or below one, and no
/// root that contains `path` lies inside that system directory.
bool isSystemDirectory(const std::filesystem::path& path, const Roots& roots, SystemDirList list);

/// True when `path` is `dir` or below it, comparing whole components ("/home/u2" is not below
/// "/home/u"); both absolute and normalized.
bool isBelow(const std::filesystem::path& path, const std::filesystem::path& dir);

}  // namespace parawork::files
