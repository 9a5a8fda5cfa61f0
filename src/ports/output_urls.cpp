// Finding local server URLs and port phrases in output (see the header).
#include "ports/output_urls.hpp"

#include <algorithm>
#include <array>
#include <optional>

namespace parawork::ports {
namespace {

constexpr std::array<std::string_view, 5> kLocalHosts = {"localhost", "127.0.0.1", "0.0.0.0",
                                                         "[::]", "[::1]"};

// Words before ":PORT" or "HOST:PORT" that say a server is there ("Listening on :8000",
// "ready - started server on 0.0.0.0:3000").
constexpr std::array<std::string_view, 10> kBindPhrases = {
    "listening on ", "listening at ", "running on ", "running at ",   "serving on ",
    "serving at ",   "server on ",    "started on ", "available on ", "available at "};

// "port N" counts only after one of these ("listening on port 8000", "Serving HTTP on :: port
// 8000"), not in "connecting to port 5432".
constexpr std::array<std::string_view, 6> kServerVerbs = {"listen",  "serving",  "running",
                                                          "started", "starting", "available"};

// Lines that name a port because it is taken ("Port 3000 is in use, trying another one",
// "EADDRINUSE: address already in use 127.0.0.1:3000") report no server; only printed URLs
// count on them.
constexpr std::array<std::string_view, 3> kPortTaken = {"in use", "already", "eaddrinuse"};

bool isWordChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

bool containsAny(std::string_view text, auto const& needles) {
    return std::any_of(needles.begin(), needles.end(),
                       [&](std::string_view n) { return text.find(n) != std::string_view::npos; });
}

struct PortAt {
    std::uint16_t port;
    std::size_t end;  ///< index just past the digits
};

/// A port number at `pos`: 1–5 digits, 1–65535, not followed by a letter, digit or '_'.
std::optional<PortAt> readPort(std::string_view text, std::size_t pos) {
    std::size_t end = pos;
    unsigned value = 0;
    while (end < text.size() && isDigit(text[end]) && end - pos < 5)
        value = value * 10 + static_cast<unsigned>(text[end++] - '0');
    if (end == pos || value == 0 || value > 65535) return std::nullopt;
    if (end < text.size() && isWordChar(text[end])) return std::nullopt;  // "3000abc", 6 digits
    return PortAt{static_cast<std::uint16_t>(value), end};
}

/// The length of a local host name at `pos`, or 0.
std::size_t localHostAt(std::string_view text, std::size_t pos) {
    for (std::string_view host : kLocalHosts)
        if (text.substr(pos).starts_with(host)) return host.size();
    return 0;
}

/// Where a URL that starts at `begin` and has its port ending at `portEnd` ends: at white space
/// or a quote or bracket, less trailing sentence punctuation ("…:3000/." or "(http://…/)").
std::size_t urlEnd(std::string_view text, std::size_t portEnd) {
    constexpr std::string_view stops = " \t\r\n\"'`<>";
    std::size_t end = std::min(text.find_first_of(stops, portEnd), text.size());
    constexpr std::string_view trailing = ".,;:!?)]}";
    while (end > portEnd && trailing.find(text[end - 1]) != std::string_view::npos) --end;
    return end;
}

class Scanner {
  public:
    Scanner(std::string_view original)
        : original_(original.substr(0, kMaxScannedLineBytes)), lower_(original_) {
        for (char& c : lower_)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }

    std::vector<OutputUrl> scan() {
        findUrls();
        if (!containsAny(lower_, kPortTaken)) {
            findHostPorts();
            findBindPhrases();
            findPortWords();
        }
        return std::move(found_);
    }

  private:
    void add(std::uint16_t port, std::string url) {
        bool seen = std::any_of(found_.begin(), found_.end(),
                                [&](const OutputUrl& u) { return u.port == port; });
        if (!seen) found_.push_back(OutputUrl{port, std::move(url)});
    }

    bool insideUrl(std::size_t pos) const {
        return std::any_of(urlSpans_.begin(), urlSpans_.end(),
                           [&](auto span) { return pos >= span.first && pos < span.second; });
    }

    // "http(s)://HOST:PORT..." with HOST local.
    void findUrls() {
        std::string_view text = lower_;
        for (std::size_t at = text.find("http"); at != std::string_view::npos;
             at = text.find("http", at + 1)) {
            std::size_t host = at + 4;
            if (text.substr(host).starts_with("s")) ++host;
            if (!text.substr(host).starts_with("://")) continue;
            host += 3;
            std::size_t hostLength = localHostAt(text, host);
            std::size_t colon = host + hostLength;
            if (hostLength == 0 || colon >= text.size() || text[colon] != ':') continue;
            auto port = readPort(text, colon + 1);
            if (!port) continue;
            std::size_t end = urlEnd(text, port->end);
            urlSpans_.emplace_back(at, end);
            add(port->port, std::string(original_.substr(at, end - at)));
        }
    }

    // A bare "HOST:PORT" with HOST local ("started server on 0.0.0.0:3000").
    void findHostPorts() {
        std::string_view text = lower_;
        for (std::size_t at = 0; at < text.size(); ++at) {
            std::size_t hostLength = localHostAt(text, at);
            if (hostLength == 0 || insideUrl(at)) continue;
            if (at > 0 && (isWordChar(text[at - 1]) || text[at - 1] == '.')) continue;
            std::size_t colon = at + hostLength;
            if (colon >= text.size() || text[colon] != ':') continue;
            if (auto port = readPort(text, colon + 1)) add(port->port, {});
        }
    }

    // "listening on :8000", "listening on *:8000", "server on [::]:3000".
    void findBindPhrases() {
        std::string_view text = lower_;
        for (std::string_view phrase : kBindPhrases) {
            for (std::size_t at = text.find(phrase); at != std::string_view::npos;
                 at = text.find(phrase, at + 1)) {
                std::size_t start = text.find_first_not_of(' ', at + phrase.size());
                if (start == std::string_view::npos || insideUrl(start)) continue;
                // The address token: host characters, then the port after its last ':'.
                constexpr std::string_view hostChars = "abcdefghijklmnopqrstuvwxyz0123456789.-[]:*";
                std::size_t end = std::min(text.find_first_not_of(hostChars, start), text.size());
                std::string_view token = text.substr(start, end - start);
                std::size_t colon = token.rfind(':');
                if (colon == std::string_view::npos || token.size() > 64) continue;
                auto port = readPort(text, start + colon + 1);
                if (port && port->end == end) add(port->port, {});
            }
        }
    }

    // "port 8000", "port: 8000", "port=8000" after a server verb.
    void findPortWords() {
        std::string_view text = lower_;
        std::size_t firstVerb = text.size();
        for (std::string_view verb : kServerVerbs) firstVerb = std::min(firstVerb, text.find(verb));
        for (std::size_t at = text.find("port", firstVerb); at != std::string_view::npos;
             at = text.find("port", at + 1)) {
            if (at > 0 && isWordChar(text[at - 1])) continue;  // "export", "support"
            std::size_t digits = at + 4;
            while (digits < text.size() && digits - at < 7 &&
                   std::string_view(" :=#").find(text[digits]) != std::string_view::npos)
                ++digits;
            if (digits == at + 4 || digits >= text.size() || !isDigit(text[digits])) continue;
            if (auto port = readPort(text, digits)) add(port->port, {});
        }
    }

    std::string_view original_;
    std::string lower_;
    std::vector<std::pair<std::size_t, std::size_t>> urlSpans_;
    std::vector<OutputUrl> found_;
};

}  // namespace

std::vector<OutputUrl> findOutputUrls(std::string_view line) {
    return Scanner(line).scan();
}

}  // namespace parawork::ports
