#include "activity/hook_verdict.hpp"

#include <charconv>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "core/error.hpp"

namespace parawork::activity {
namespace {

namespace json = boost::json;

/// A reason is one line in a list of workspaces: a tool's whole input never belongs there.
constexpr std::size_t kReasonLimit = 200;
/// An event's name is a word ("PreToolUse"); anything longer is cut, never stored whole.
constexpr std::size_t kEventNameLimit = 64;
constexpr std::string_view kEllipsis = "\u2026";

/// The value at a dotted path ("tool_input.command"; a number steps into an array:
/// "tool_input.questions.0.question"), or null when a step is missing.
const json::value* valueAt(const json::value& root, std::string_view path) {
    const json::value* at = &root;
    while (!path.empty()) {
        auto dot = path.find('.');
        std::string_view step = path.substr(0, dot);
        path = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
        if (const auto* object = at->if_object()) {
            at = object->if_contains(step);
        } else if (const auto* array = at->if_array()) {
            std::size_t index = 0;
            auto [end, ec] = std::from_chars(step.data(), step.data() + step.size(), index);
            at = ec == std::errc{} && end == step.data() + step.size() ? array->if_contains(index)
                                                                       : nullptr;
        } else {
            return nullptr;
        }
        if (!at) return nullptr;
    }
    return at;
}

/// A value as text: a string as it is, null as "", anything else as its JSON.
std::string textOf(const json::value& value) {
    if (const auto* text = value.if_string()) return std::string(*text);
    if (value.is_null()) return {};
    return json::serialize(value);
}

bool ruleMatches(const core::HookRule& rule, std::string_view event, const json::value& root) {
    if (rule.event != event) return false;
    for (const auto& [path, expected] : rule.when) {
        const auto* value = valueAt(root, path);
        if (!value) return false;
        if (expected != "*" && textOf(*value) != expected) return false;
    }
    return true;
}

/// The longest prefix of `text` of at most `limit` bytes that ends on a character boundary.
std::size_t utf8Prefix(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) return text.size();
    std::size_t end = limit;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return end;
}

/// `text` on one line (control characters become spaces, runs of spaces one) and at most
/// `limit` bytes, cut on a character boundary with an ellipsis. `text` is valid UTF-8 (it came
/// out of a JSON parser).
std::string oneLine(std::string_view text, std::size_t limit) {
    std::string line;
    line.reserve(std::min(text.size(), limit + 8));
    for (char c : text) {
        bool space = static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == ' ';
        if (space && (line.empty() || line.back() == ' ')) continue;
        line.push_back(space ? ' ' : c);
        if (line.size() > limit) break;  // enough to know it must be cut
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (line.size() <= limit) return line;
    line.resize(utf8Prefix(line, limit - kEllipsis.size()));
    return line.append(kEllipsis);
}

/// `pattern` with each `{path}` replaced by that path's text in `root` ("" when missing); a `{`
/// without its `}` stays as it is. Stops copying once the result is surely over the limit.
std::string expandReason(std::string_view pattern, const json::value& root) {
    std::string out;
    while (!pattern.empty() && out.size() <= kReasonLimit * 4) {
        auto open = pattern.find('{');
        auto close = open == std::string_view::npos ? open : pattern.find('}', open);
        if (close == std::string_view::npos) {
            out.append(pattern);
            break;
        }
        out.append(pattern.substr(0, open));
        if (const auto* value = valueAt(root, pattern.substr(open + 1, close - open - 1))) {
            std::string text = textOf(*value);
            out.append(text, 0, utf8Prefix(text, kReasonLimit * 4));
        }
        pattern.remove_prefix(close + 1);
    }
    return oneLine(out, kReasonLimit);
}

json::value parseEvent(std::string_view text) {
    boost::system::error_code ec;
    json::value root = json::parse(text, ec);
    if (ec) throw core::Error("the hook event is not JSON (" + ec.message() + ")");
    if (!root.is_object()) throw core::Error("the hook event is not a JSON object");
    return root;
}

}  // namespace

HookVerdict interpretHook(const core::AgentHooks& hooks, std::string_view text) {
    if (hooks.eventField.empty()) throw core::Error("this agent reports no hook events");
    json::value root = parseEvent(text);
    const auto* name = valueAt(root, hooks.eventField);
    if (!name || !name->is_string() || name->get_string().empty())
        throw core::Error("the hook event has no name at \"" + hooks.eventField + "\"");
    HookVerdict verdict;
    verdict.event = oneLine(name->get_string(), kEventNameLimit);
    for (const auto& rule : hooks.rules) {
        if (!ruleMatches(rule, name->get_string(), root)) continue;
        verdict.state = rule.state;
        if (rule.state) {
            verdict.waitingFor = rule.waitingFor;
            verdict.reason = expandReason(rule.reason, root);
        }
        break;
    }
    return verdict;
}

}  // namespace parawork::activity
