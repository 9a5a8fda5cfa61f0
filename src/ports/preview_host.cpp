#include "ports/preview_host.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "core/parse_number.hpp"

namespace parawork::ports {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool parsePort(std::string_view text, std::uint16_t& port) {
    if (text.empty() || text.size() > 5 || text.front() == '0') return false;
    std::optional<unsigned> value = core::parseNumber<unsigned>(text);
    if (!value || *value < 1 || *value > 65535) return false;
    port = static_cast<std::uint16_t>(*value);
    return true;
}

}  // namespace

std::string workspaceKey(std::string_view workspaceId) {
    return lower(workspaceId.substr(0, kWorkspaceKeyLength));
}

std::optional<PreviewHost> parsePreviewHost(std::string_view host, std::string_view domain,
                                            std::uint16_t daemonPort) {
    auto name = lower(host);
    if (auto colon = name.rfind(':'); colon != std::string::npos) {
        std::uint16_t port = 0;
        if (!parsePort(std::string_view(name).substr(colon + 1), port)) return std::nullopt;
        if (daemonPort != 0 && port != daemonPort) return std::nullopt;
        name.resize(colon);
    }
    if (!name.empty() && name.back() == '.') name.pop_back();  // "x.localhost." is the same name
    auto suffix = "." + lower(domain);
    if (name.size() <= suffix.size() || !name.ends_with(suffix)) return std::nullopt;
    std::string_view label = std::string_view(name).substr(0, name.size() - suffix.size());
    auto dash = label.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    PreviewHost out;
    if (!parsePort(label.substr(0, dash), out.port)) return std::nullopt;
    auto key = label.substr(dash + 1);
    if (key.size() != kWorkspaceKeyLength ||
        !std::all_of(key.begin(), key.end(), [](char c) { return std::isxdigit(c); }))
        return std::nullopt;
    out.workspaceKey = std::string(key);
    return out;
}

std::string originOf(std::string_view scheme, std::string_view host, std::uint16_t port) {
    std::string out = std::string(scheme) + "://" + std::string(host);
    bool defaultPort = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
    if (!defaultPort) out += ":" + std::to_string(port);
    return out;
}

std::string previewUrl(std::uint16_t port, std::string_view workspaceId, std::string_view domain,
                       std::uint16_t publicPort, std::string_view scheme) {
    return originOf(
               scheme,
               std::to_string(port) + "-" + workspaceKey(workspaceId) + "." + std::string(domain),
               publicPort) +
           "/";
}

}  // namespace parawork::ports
