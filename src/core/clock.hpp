// Wall-clock time in the protocol's unit: integer milliseconds since the Unix epoch.
#pragma once

#include <chrono>
#include <cstdint>

namespace parawork::core {

inline std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace parawork::core
