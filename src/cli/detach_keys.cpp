#include "cli/detach_keys.hpp"

#include <cctype>
#include <cstdlib>

#include "cli/context.hpp"

namespace parawork::cli {
namespace {

constexpr std::size_t kMaxKeys = 16;
constexpr std::string_view kCtrlPrefix = "ctrl-";
constexpr std::string_view kKeyForm =
    "a character or ctrl-<c> (c: a-z, @, [, \\, ], ^, _), comma-separated, e.g. ctrl-a,d";

/// The byte one key stands for, or nullopt when it is not a key.
std::optional<char> keyByte(std::string_view key) {
    if (key.size() == 1) {
        auto c = static_cast<unsigned char>(key[0]);
        if (std::isprint(c) && c != ',') return key[0];
        return std::nullopt;
    }
    if (key.size() != kCtrlPrefix.size() + 1) return std::nullopt;
    for (std::size_t i = 0; i < kCtrlPrefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(key[i])) != kCtrlPrefix[i]) return std::nullopt;
    auto c = static_cast<unsigned char>(std::toupper(static_cast<unsigned char>(key.back())));
    // Ctrl clears the two high bits of '@', 'A'..'Z', '[', '\', ']', '^', '_' (0x40-0x5f).
    if (c >= '@' && c <= '_') return static_cast<char>(c & 0x1f);
    return std::nullopt;
}

}  // namespace

std::string parseDetachKeys(std::string_view spec, std::string_view source) {
    auto refuse = [&](const std::string& why) -> CliError {
        return CliError(std::string(source) + " \"" + std::string(spec) + "\": " + why, "usage",
                        std::string("detach keys are ") + std::string(kKeyForm), kExitUsage);
    };
    if (spec.empty()) throw refuse("no keys given");
    std::string bytes;
    for (std::size_t start = 0;;) {
        auto comma = spec.find(',', start);
        auto key = spec.substr(start, comma == std::string_view::npos ? spec.npos : comma - start);
        auto byte = keyByte(key);
        if (!byte) throw refuse("\"" + std::string(key) + "\" is not a key");
        bytes.push_back(*byte);
        if (bytes.size() > kMaxKeys)
            throw refuse("more than " + std::to_string(kMaxKeys) + " keys");
        if (comma == std::string_view::npos) return bytes;
        start = comma + 1;
    }
}

std::string detachKeysFor(const std::optional<std::string>& flag) {
    if (flag) return parseDetachKeys(*flag, "--detach-keys");
    const char* env = std::getenv("PARAWORK_DETACH_KEYS");
    if (env && *env) return parseDetachKeys(env, "PARAWORK_DETACH_KEYS");
    return parseDetachKeys(kDefaultDetachKeys, "the default detach keys");
}

}  // namespace parawork::cli
