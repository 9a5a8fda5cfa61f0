#include "git/temporary_index.hpp"

#include <unistd.h>

#include <atomic>

namespace parawork::git::detail {

namespace fs = std::filesystem;

TemporaryIndex::TemporaryIndex(const fs::path& gitDir, bool copyTheWorktreesIndex) {
    static std::atomic<unsigned> counter{0};
    path_ = gitDir / ("parawork-index-" + std::to_string(::getpid()) + "-" +
                      std::to_string(counter.fetch_add(1)));
    fs::path real = gitDir / "index";
    std::error_code ec;
    if (copyTheWorktreesIndex && fs::exists(real, ec)) {
        fs::copy_file(real, path_, fs::copy_options::overwrite_existing);
        // Its time too. git compares whole seconds (Debian's is built without USE_NSEC): a file
        // changed in the second its index was written, keeping its size, is told apart only
        // as "racily clean", by comparing with the index file's time, which a fresh copy would
        // move on; such a change was missed.
        fs::last_write_time(path_, fs::last_write_time(real));
    }
}

TemporaryIndex::~TemporaryIndex() {
    std::error_code ec;
    fs::remove(path_, ec);
    fs::remove(fs::path(path_.string() + ".lock"), ec);
}

}  // namespace parawork::git::detail
