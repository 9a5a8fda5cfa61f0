// A temporary directory removed with everything in it when the test ends (STYLE §6: RAII).
#pragma once

#include <filesystem>
#include <string>

namespace parawork::test {

class TempDir {
  public:
    explicit TempDir(const std::string& prefix = "pw");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

}  // namespace parawork::test
