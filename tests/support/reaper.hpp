// The harness's guard against a crashed test (STYLE §26): a reaper process (reaper/main.cpp)
// started beside a daemon that, should the test process die before it releases the reaper,
// kills the daemon and ends the session hosts of its home. Destroying a Reaper releases it:
// the harness's own destructors have done the cleaning by then.
#pragma once

#include <sys/types.h>

#include <filesystem>

namespace parawork::test {

class Reaper {
  public:
    /// Watches `daemon` (a child of this process, not yet waited for) and `home`'s hosts;
    /// `removeHome`: the home is the harness's own, removed too after a crash.
    Reaper(pid_t daemon, const std::filesystem::path& home, bool removeHome);
    ~Reaper();
    Reaper(const Reaper&) = delete;
    Reaper& operator=(const Reaper&) = delete;

  private:
    int releaseFd_ = -1;  ///< the pipe's write end: held only by this process (close-on-exec)
    pid_t reaper_ = -1;
};

}  // namespace parawork::test
