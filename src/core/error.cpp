#include "core/error.hpp"

#include <cerrno>
#include <cstring>

namespace parawork::core {

void throwErrno(std::string_view context) {
    throwErrno(context, errno);
}

void throwErrno(std::string_view context, int err) {
    throw Error(std::string(context) + ": " + std::strerror(err));
}

}  // namespace parawork::core
