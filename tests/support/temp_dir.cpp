#include "support/temp_dir.hpp"

#include <stdlib.h>

#include <system_error>

#include "core/error.hpp"

namespace parawork::test {

TempDir::TempDir(const std::string& prefix) {
    // Short paths under /tmp keep unix socket paths well below sun_path's 108 bytes.
    std::string pattern = "/tmp/" + prefix + "-XXXXXX";
    if (!::mkdtemp(pattern.data())) core::throwErrno("mkdtemp " + pattern);
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
}

}  // namespace parawork::test
