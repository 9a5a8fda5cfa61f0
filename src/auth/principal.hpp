// Who a request speaks for once its credential checked out: the owner, or one named device.
#pragma once

#include <string>

namespace parawork::auth {

/// Who a credential stands for: the owner's main token, or one named device token.
struct Principal {
    std::string id;    ///< "owner", or "device:<device id>"
    std::string name;  ///< "owner", or the device's name
    bool operator==(const Principal&) const = default;
};

}  // namespace parawork::auth
