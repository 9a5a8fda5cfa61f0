// A merge refused for its conflicts: a 409 that also names the conflicted files, which the
// route adds to the failure's envelope as `conflictedFiles`.
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"

namespace parawork::review {

class MergeConflict : public core::ServiceError {
  public:
    MergeConflict(const std::string& message, std::vector<std::string> files)
        : core::ServiceError(409, message), conflictedFiles(std::move(files)) {}
    std::vector<std::string> conflictedFiles;
};

}  // namespace parawork::review
