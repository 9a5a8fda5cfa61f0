// A file's whole content, for tests that check what was written.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace parawork::test {

/// The bytes of `file`; empty when it cannot be read (the test's own checks then fail). Safe for
/// /proc files of a process that exits meanwhile: reading those fails with ESRCH, which
/// libstdc++'s filebuf throws, and an istreambuf_iterator lets that end the test binary;
/// `<<` from the buffer catches it (the read just stops).
inline std::string readFile(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream out;
    if (in) out << in.rdbuf();
    return out.str();
}

}  // namespace parawork::test
