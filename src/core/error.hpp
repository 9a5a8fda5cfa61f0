// Errors shared by every room. Inside the code an exception means a bug or an environment
// failure; at boundaries (HTTP, CLI, config, files) it becomes a clear message (STYLE §5).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace parawork::core {

/// An error whose message is fit to show to a person as it is.
class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// A refusal by a service (sessions, workspaces), with the HTTP status and the message the API
/// answers: the routes turn it into `fail(status, message)`, the CLI prints the message.
class ServiceError : public std::runtime_error {
  public:
    ServiceError(unsigned status, const std::string& message)
        : std::runtime_error(message), status(status) {}
    unsigned status;
};

/// Throws Error("<context>: <strerror(errno)>"); call right after the failing system call.
[[noreturn]] void throwErrno(std::string_view context);

/// Throws Error("<context>: <strerror(err)>").
[[noreturn]] void throwErrno(std::string_view context, int err);

}  // namespace parawork::core
