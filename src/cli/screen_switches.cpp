#include "cli/screen_switches.hpp"

#include <array>
#include <utility>

namespace parawork::cli {
namespace {

struct Switch {
    std::string_view sequence;
    std::string_view replacement;
    bool leaves;
};

constexpr std::string_view kClear = "\x1b[H\x1b[2J";

// DECSC/DECRC (ESC 7, ESC 8) stand in for 1049's own cursor save and restore.
constexpr std::array<Switch, 6> kSwitches{{
    {"\x1b[?1049h",
     "\x1b"
     "7\x1b[H\x1b[2J",
     false},
    {"\x1b[?1049l",
     "\x1b[H\x1b[2J\x1b"
     "8",
     true},
    {"\x1b[?1047h", kClear, false},
    {"\x1b[?1047l", kClear, true},
    {"\x1b[?47h", kClear, false},
    {"\x1b[?47l", kClear, true},
}};

}  // namespace

std::string ScreenSwitches::filter(std::string_view bytes) {
    std::string data = std::exchange(held_, {});
    data.append(bytes);
    std::string out;
    out.reserve(data.size());
    std::string_view rest = data;
    while (!rest.empty()) {
        auto esc = rest.find('\x1b');
        out.append(rest.substr(0, esc));
        if (esc == std::string_view::npos) break;
        rest.remove_prefix(esc);
        const Switch* matched = nullptr;
        bool partial = false;
        for (const auto& s : kSwitches) {
            if (rest.starts_with(s.sequence)) {
                matched = &s;
                break;
            }
            if (rest.size() < s.sequence.size() && s.sequence.starts_with(rest)) partial = true;
        }
        if (matched) {
            out.append(matched->replacement);
            redraw_ = redraw_ || matched->leaves;
            rest.remove_prefix(matched->sequence.size());
        } else if (partial) {
            held_ = std::string(rest);
            break;
        } else {
            out.push_back('\x1b');
            rest.remove_prefix(1);
        }
    }
    return out;
}

bool ScreenSwitches::takeRedraw() {
    return std::exchange(redraw_, false);
}

std::string ScreenSwitches::flush() {
    return std::exchange(held_, {});
}

}  // namespace parawork::cli
