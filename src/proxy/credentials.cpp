#include "proxy/credentials.hpp"

#include <vector>

#include "api/security.hpp"

namespace parawork::proxy {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

/// The name of a "name=value" pair (the whole pair when it has no '=').
std::string_view pairName(std::string_view pair) {
    return trim(pair.substr(0, pair.find('=')));
}

}  // namespace

std::optional<std::string> withoutCookie(std::string_view header, std::string_view name) {
    std::string out;
    while (!header.empty()) {
        auto semi = header.find(';');
        auto pair = trim(header.substr(0, semi));
        header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
        if (pair.empty() || pairName(pair) == name) continue;
        if (!out.empty()) out += "; ";
        out += pair;
    }
    if (out.empty()) return std::nullopt;
    return out;
}

bool carriesToken(std::string_view value, const IsToken& isToken) {
    value = trim(value);
    if (value.size() > 7 && (value.substr(0, 7) == "Bearer " || value.substr(0, 7) == "bearer "))
        value = trim(value.substr(7));
    return !value.empty() && isToken(value);
}

std::string withoutTokenParameters(std::string_view target, const IsToken& isToken) {
    auto question = target.find('?');
    if (question == std::string_view::npos) return std::string(target);
    auto query = target.substr(question + 1);
    std::string fragment;
    if (auto hash = query.find('#'); hash != std::string_view::npos) {
        fragment = std::string(query.substr(hash));
        query = query.substr(0, hash);
    }
    std::string kept;
    while (!query.empty()) {
        auto amp = query.find('&');
        auto param = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        // Names and values compared decoded, as the gate reads them: "api%5Fkey=%41..." is the
        // daemon's api_key as much as "api_key=A..." is.
        auto eq = param.find('=');
        bool secret = eq != std::string_view::npos &&
                      api::isCredentialParameter(param.substr(0, eq)) &&
                      isToken(api::decodeQueryComponent(param.substr(eq + 1)));
        if (secret || param.empty()) continue;
        if (!kept.empty()) kept += '&';
        kept += param;
    }
    std::string out(target.substr(0, question));
    if (!kept.empty()) out += "?" + kept;
    return out + fragment;
}

bool setsCookie(std::string_view setCookie, std::string_view name) {
    return pairName(setCookie.substr(0, setCookie.find(';'))) == name;
}

}  // namespace parawork::proxy
