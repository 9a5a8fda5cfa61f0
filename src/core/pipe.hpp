// A pipe whose two ends are owned (STYLE §6) and close-on-exec (STYLE §16): a child gets an end
// only through an explicit dup2, never by accident through exec.
#pragma once

#include <optional>
#include <string_view>

#include "core/unique_fd.hpp"

namespace parawork::core {

struct Pipe {
    UniqueFd read, write;

    /// A new pipe; throws Error("<context>: <strerror>") when none can be made.
    static Pipe open(std::string_view context);
    /// A new pipe, or nullopt (errno set) for a caller that reports the failure its own way.
    static std::optional<Pipe> tryOpen();
};

}  // namespace parawork::core
