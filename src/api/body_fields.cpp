#include "api/body_fields.hpp"

#include <algorithm>

namespace parawork::api {
namespace {

const boost::json::value* field(const boost::json::value& body, const char* key) {
    auto* obj = body.if_object();
    if (!obj) return nullptr;
    auto* v = obj->if_contains(key);
    return v;
}

}  // namespace

std::optional<std::string> optionalString(const boost::json::value& body, const char* key,
                                          std::size_t minLength, std::size_t maxLength) {
    auto* v = field(body, key);
    if (!v) return std::nullopt;
    if (!v->is_string()) throw BadRequest(std::string(key) + ": expected a string");
    std::string s(v->as_string());
    if (s.size() < minLength || s.size() > maxLength)
        throw BadRequest(std::string(key) + ": length must be between " +
                         std::to_string(minLength) + " and " + std::to_string(maxLength));
    return s;
}

std::string requiredString(const boost::json::value& body, const char* key, std::size_t minLength,
                           std::size_t maxLength) {
    auto s = optionalString(body, key, minLength, maxLength);
    if (!s) throw BadRequest(std::string(key) + ": required");
    return *s;
}

std::optional<long long> optionalInteger(const boost::json::value& body, const char* key,
                                         long long min, long long max) {
    auto* v = field(body, key);
    if (!v) return std::nullopt;
    long long n = 0;
    if (v->is_int64())
        n = v->as_int64();
    else if (v->is_uint64() && v->as_uint64() <= static_cast<unsigned long long>(max))
        n = static_cast<long long>(v->as_uint64());
    else
        throw BadRequest(std::string(key) + ": expected an integer");
    if (n < min || n > max)
        throw BadRequest(std::string(key) + ": must be between " + std::to_string(min) + " and " +
                         std::to_string(max));
    return n;
}

std::optional<bool> optionalBool(const boost::json::value& body, const char* key) {
    auto* v = field(body, key);
    if (!v) return std::nullopt;
    if (!v->is_bool()) throw BadRequest(std::string(key) + ": expected true or false");
    return v->as_bool();
}

std::optional<std::vector<std::string>> optionalStringArray(const boost::json::value& body,
                                                            const char* key, std::size_t maxItems) {
    auto* v = field(body, key);
    if (!v) return std::nullopt;
    if (!v->is_array() || v->as_array().size() > maxItems)
        throw BadRequest(std::string(key) + ": expected an array of at most " +
                         std::to_string(maxItems) + " strings");
    std::vector<std::string> out;
    for (const auto& item : v->as_array()) {
        if (!item.is_string()) throw BadRequest(std::string(key) + ": expected strings");
        out.emplace_back(item.as_string());
    }
    return out;
}

std::vector<std::uint16_t> optionalPorts(const boost::json::value& body, const char* key,
                                         std::size_t maxItems) {
    auto* v = field(body, key);
    if (!v) return {};
    auto refuse = [&] {
        throw BadRequest(std::string(key) + ": expected an array of at most " +
                         std::to_string(maxItems) + " port numbers (1-65535)");
    };
    if (!v->is_array() || v->as_array().size() > maxItems) refuse();
    std::vector<std::uint16_t> out;
    for (const auto& item : v->as_array()) {
        if (!item.is_int64() || item.as_int64() < 1 || item.as_int64() > 65535) refuse();
        auto port = static_cast<std::uint16_t>(item.as_int64());
        if (std::find(out.begin(), out.end(), port) == out.end()) out.push_back(port);
    }
    return out;
}

std::optional<std::map<std::string, std::string>> optionalStringMap(const boost::json::value& body,
                                                                    const char* key,
                                                                    std::size_t maxItems) {
    auto* v = field(body, key);
    if (!v) return std::nullopt;
    if (!v->is_object() || v->as_object().size() > maxItems)
        throw BadRequest(std::string(key) + ": expected an object of strings");
    std::map<std::string, std::string> out;
    for (const auto& [k, item] : v->as_object()) {
        if (!item.is_string())
            throw BadRequest(std::string(key) + "." + std::string(k) + ": expected a string");
        out[std::string(k)] = std::string(item.as_string());
    }
    return out;
}

}  // namespace parawork::api
