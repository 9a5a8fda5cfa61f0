// A temporary directory removed with everything in it when the test ends (STYLE §6: RAII).
// Part of parawork_unitsupport: plain C++, no parawork room, so any test binary may link it —
// the unit tests of every room and the integration harness (tests/support) alike.
#pragma once

#include <filesystem>
#include <string>

namespace parawork::test {

class TempDir {
  public:
    /// Creates /tmp/<prefix>-XXXXXX (short, so unix socket paths inside stay well below
    /// sun_path's 108 bytes); throws std::system_error when it cannot.
    explicit TempDir(const std::string& prefix = "pw");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

}  // namespace parawork::test
