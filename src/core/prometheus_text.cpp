#include "core/prometheus_text.hpp"

#include <charconv>
#include <cmath>

namespace parawork::core {
namespace {

/// Label values escape backslash, double quote and newline; HELP text backslash and newline.
std::string escaped(std::string_view text, bool quotes) {
    std::string out;
    for (char c : text) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '"' && quotes)
            out += "\\\"";
        else
            out += c;
    }
    return out;
}

std::string number(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    char buf[64];
    auto result = std::to_chars(buf, buf + sizeof buf, value);  // shortest exact form
    return std::string(buf, result.ptr);
}

}  // namespace

PrometheusText& PrometheusText::family(std::string_view name, std::string_view type,
                                       std::string_view help) {
    text_.append("# HELP ").append(name).append(" ").append(escaped(help, false)).append("\n");
    text_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
    return *this;
}

PrometheusText& PrometheusText::sample(std::string_view name, const MetricLabels& labels,
                                       double value) {
    text_.append(name);
    if (!labels.empty()) {
        text_ += '{';
        for (std::size_t i = 0; i < labels.size(); ++i) {
            if (i > 0) text_ += ',';
            text_.append(labels[i].first).append("=\"").append(escaped(labels[i].second, true));
            text_ += '"';
        }
        text_ += '}';
    }
    text_.append(" ").append(number(value)).append("\n");
    return *this;
}

}  // namespace parawork::core
