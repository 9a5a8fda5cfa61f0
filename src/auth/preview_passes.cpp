#include "auth/preview_passes.hpp"

#include <iterator>
#include <utility>
#include <vector>

#include <boost/algorithm/hex.hpp>

#include "auth/digest.hpp"
#include "core/parse_number.hpp"
#include "core/secrets.hpp"

namespace parawork::auth {
namespace {

constexpr std::string_view kPassVersion = "v1";

std::int64_t unixSeconds(PreviewPasses::Clock::time_point at) {
    return std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
}

std::string passSignature(std::string_view key, std::string_view principalId,
                          std::string_view expiry, std::string_view host) {
    std::string message(kPassVersion);
    message.append("|").append(principalId).append("|").append(expiry).append("|").append(host);
    return hmacSha256Hex(key, message);
}

// A plain loop: clang 14 (the fuzz and sanitizer builds) rejects std::views::split of a
// string_view with libstdc++ 12.
std::vector<std::string_view> splitOnDots(std::string_view text) {
    std::vector<std::string_view> fields;
    for (;;) {
        auto dot = text.find('.');
        fields.push_back(text.substr(0, dot));
        if (dot == std::string_view::npos) return fields;
        text.remove_prefix(dot + 1);
    }
}

// Fields are accepted only as we write them (lower-case hex; decimal without leading zeros), so
// a pass has exactly one spelling.
std::optional<std::string> decodeLowerHex(std::string_view hex) {
    if (hex.empty()) return std::nullopt;
    std::string bytes;
    try {
        boost::algorithm::unhex(hex.begin(), hex.end(), std::back_inserter(bytes));
    } catch (const boost::algorithm::hex_decode_error&) {
        return std::nullopt;
    }
    if (toLowerHex(bytes) != hex) return std::nullopt;
    return bytes;
}

std::optional<std::int64_t> parseUnixSeconds(std::string_view text) {
    std::optional<std::int64_t> value = core::parseNumber<std::int64_t>(text);
    if (!value || *value <= 0 || std::to_string(*value) != text) return std::nullopt;
    return value;
}

}  // namespace

PreviewPasses::PreviewPasses(const TokenRegistry& registry, Options options)
    : registry_(registry), options_(options) {}

std::string PreviewPasses::issueCode(const Principal& who, std::string_view previewHost,
                                     Clock::time_point now) {
    std::string code = core::randomHex(32);
    std::lock_guard lock(mutex_);
    sweepExpired(now);
    while (!byAge_.empty() && codes_.size() >= options_.maxCodes) drop(byAge_.begin());
    std::uint64_t serial = nextSerial_++;
    codes_.emplace(code,
                   Code{who.id, std::string(previewHost), now + options_.codeLifetime, serial});
    byAge_.emplace(serial, code);
    return code;
}

std::optional<std::string> PreviewPasses::redeemCode(std::string_view code,
                                                     std::string_view previewHost,
                                                     Clock::time_point now) {
    Code redeemed;
    {
        std::lock_guard lock(mutex_);
        sweepExpired(now);
        auto found = codes_.find(std::string(code));
        if (found == codes_.end()) return std::nullopt;
        redeemed = std::move(found->second);
        byAge_.erase(redeemed.serial);
        codes_.erase(found);
    }
    if (now >= redeemed.expires || redeemed.host != previewHost) return std::nullopt;
    auto who = registry_.principal(redeemed.principalId);
    if (!who) return std::nullopt;
    std::string expiry = std::to_string(unixSeconds(now + options_.passLifetime));
    std::string pass(kPassVersion);
    pass.append(".").append(toLowerHex(who->id)).append(".").append(expiry).append(".");
    pass.append(passSignature(registry_.signingKey(), who->id, expiry, previewHost));
    return pass;
}

std::optional<Principal> PreviewPasses::verifyPass(std::string_view pass,
                                                   std::string_view previewHost,
                                                   Clock::time_point now) const {
    auto fields = splitOnDots(pass);
    if (fields.size() != 4 || fields[0] != kPassVersion) return std::nullopt;
    auto principalId = decodeLowerHex(fields[1]);
    auto expiry = parseUnixSeconds(fields[2]);
    if (!principalId || !expiry) return std::nullopt;
    std::string expected =
        passSignature(registry_.signingKey(), *principalId, fields[2], previewHost);
    if (!core::constantTimeEquals(fields[3], expected)) return std::nullopt;
    if (unixSeconds(now) >= *expiry) return std::nullopt;
    return registry_.principal(*principalId);
}

void PreviewPasses::sweepExpired(Clock::time_point now) {
    // Codes expire in issue order (one lifetime for all), so the expired ones lead byAge_.
    while (!byAge_.empty() && codes_.at(byAge_.begin()->second).expires <= now)
        drop(byAge_.begin());
}

void PreviewPasses::drop(std::map<std::uint64_t, std::string>::iterator oldest) {
    codes_.erase(oldest->second);
    byAge_.erase(oldest);
}

}  // namespace parawork::auth
