#include "core/pipe.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "core/error.hpp"

namespace parawork::core {

std::optional<Pipe> Pipe::tryOpen() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return std::nullopt;
    return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

Pipe Pipe::open(std::string_view context) {
    std::optional<Pipe> pipe = tryOpen();
    if (!pipe) throwErrno(context);
    return std::move(*pipe);
}

}  // namespace parawork::core
