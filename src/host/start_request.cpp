// The standby host's start request (see start_request.hpp).
#include "host/start_request.hpp"

#include <charconv>

#include "core/error.hpp"

namespace parawork::host {
namespace {

constexpr std::string_view kMagic = "parawork-start 1\n";

/// A count on its own line; at most the number of bytes left (each string takes one at least).
std::size_t takeCount(std::string_view& rest, std::string_view what) {
    auto end = rest.find('\n');
    std::size_t value = 0;
    auto [stop, ec] = std::from_chars(rest.data(), rest.data() + std::min(end, rest.size()), value);
    if (end == std::string_view::npos || end == 0 || ec != std::errc() || stop != rest.data() + end)
        throw core::Error("start request: bad " + std::string(what) + " count");
    rest.remove_prefix(end + 1);
    if (value > rest.size())
        throw core::Error("start request: more " + std::string(what) + " than bytes");
    return value;
}

void takeStrings(std::string_view& rest, std::size_t count, std::vector<std::string>& out) {
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        auto end = rest.find('\0');
        if (end == std::string_view::npos) throw core::Error("start request: cut short");
        out.emplace_back(rest.substr(0, end));
        rest.remove_prefix(end + 1);
    }
}

}  // namespace

std::string encodeStartRequest(const StartRequest& request) {
    std::string out(kMagic);
    out += std::to_string(request.args.size()) + "\n" + std::to_string(request.env.size()) + "\n";
    for (const auto* list : {&request.args, &request.env}) {
        for (const auto& s : *list) {
            if (s.find('\0') != std::string::npos)
                throw core::Error("start request: a string holds a NUL byte");
            out += s;
            out += '\0';
        }
    }
    if (out.size() > kMaxStartRequestBytes)
        throw core::Error("start request: arguments and environment exceed " +
                          std::to_string(kMaxStartRequestBytes >> 20) + " MiB");
    return out;
}

StartRequest decodeStartRequest(std::string_view bytes) {
    if (bytes.size() > kMaxStartRequestBytes) throw core::Error("start request: too large");
    if (!bytes.starts_with(kMagic)) throw core::Error("start request: not one");
    std::string_view rest = bytes.substr(kMagic.size());
    StartRequest request;
    std::size_t args = takeCount(rest, "argument");
    std::size_t env = takeCount(rest, "environment");
    takeStrings(rest, args, request.args);
    takeStrings(rest, env, request.env);
    if (!rest.empty()) throw core::Error("start request: bytes after the end");
    return request;
}

}  // namespace parawork::host
