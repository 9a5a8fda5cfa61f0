// What a standby host (`parawork-host --standby`) is told to start: the arguments it would have
// been run with and the command's environment, as one message on its stdin (docs/host-protocol.md,
// "A host started in advance"). Plain data and a codec, unit-tested and fuzzed without a process.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace parawork::host {

struct StartRequest {
    std::vector<std::string> args;  ///< what follows argv[0]: "--dir", D, …, "--", CMD, ARGS…
    std::vector<std::string> env;   ///< "KEY=value": the command's whole environment
};

/// The largest request a standby reads (argv and environment together; Linux's own limit for
/// an exec is far below).
constexpr std::size_t kMaxStartRequestBytes = 8u << 20;

/// "parawork-start 1\n<args>\n<env>\n" and then each string, NUL-terminated. Throws core::Error
/// for a string holding a NUL (no argv or environment string can) or a request over the limit.
std::string encodeStartRequest(const StartRequest& request);

/// The inverse. Throws core::Error, naming what is wrong, for anything else.
StartRequest decodeStartRequest(std::string_view bytes);

}  // namespace parawork::host
