#include "mcp/tool_schema.hpp"

#include <cmath>

namespace parawork::mcp {
namespace json = boost::json;
namespace {

Field make(Field::Kind kind, std::string description) {
    Field field;
    field.kind = kind;
    field.description = std::move(description);
    return field;
}

json::array toArray(const std::vector<std::string>& values) {
    json::array array;
    for (const auto& value : values) array.emplace_back(value);
    return array;
}

void addStringBounds(const Field& field, json::object& schema) {
    if (field.minLength) schema["minLength"] = *field.minLength;
    if (field.maxLength) schema["maxLength"] = *field.maxLength;
}

json::object objectSchema(const Field& field) {
    json::object schema = toJsonSchema(field.properties);
    if (field.open) schema.erase("additionalProperties");
    return schema;
}

void addIntegerBounds(const Field& field, json::object& schema) {
    if (field.minimum) schema["minimum"] = *field.minimum;
    if (field.maximum) schema["maximum"] = *field.maximum;
}

json::object arraySchema(const Field& field, json::object item) {
    json::object schema{{"type", "array"}, {"items", std::move(item)}};
    if (field.maxItems) schema["maxItems"] = *field.maxItems;
    return schema;
}

json::object fieldSchema(const Field& field) {
    json::object schema;
    switch (field.kind) {
        case Field::Kind::String:
            schema["type"] = "string";
            addStringBounds(field, schema);
            if (!field.allowed.empty()) schema["enum"] = toArray(field.allowed);
            break;
        case Field::Kind::Integer:
            schema["type"] = "integer";
            addIntegerBounds(field, schema);
            break;
        case Field::Kind::Number:
            schema["type"] = "number";
            break;
        case Field::Kind::Boolean:
            schema["type"] = "boolean";
            break;
        case Field::Kind::StringArray: {
            json::object item{{"type", "string"}};
            addStringBounds(field, item);
            schema = arraySchema(field, std::move(item));
            break;
        }
        case Field::Kind::IntegerArray: {
            json::object item{{"type", "integer"}};
            addIntegerBounds(field, item);
            schema = arraySchema(field, std::move(item));
            break;
        }
        case Field::Kind::Object:
            schema = objectSchema(field);
            break;
        case Field::Kind::ObjectArray:
            schema = arraySchema(field, objectSchema(field));
            break;
    }
    if (!field.description.empty()) schema["description"] = field.description;
    return schema;
}

std::string quoted(const std::vector<std::string>& values) {
    std::string text;
    for (const auto& value : values) text += (text.empty() ? "\"" : ", \"") + value + "\"";
    return text;
}

/// JSON Schema's integer is mathematical: 5 and 5.0 both are; 5.5 is not.
std::optional<std::int64_t> integerValue(const json::value& value) {
    if (value.is_int64()) return value.get_int64();
    if (value.is_uint64()) {
        auto big = value.get_uint64();
        if (big > static_cast<std::uint64_t>(INT64_MAX)) return INT64_MAX;
        return static_cast<std::int64_t>(big);
    }
    if (value.is_double()) {
        double d = value.get_double();
        if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.0e18)
            return static_cast<std::int64_t>(d);
    }
    return std::nullopt;
}

std::optional<std::string> checkInteger(const Field& field, const json::value& value) {
    auto number = integerValue(value);
    bool inRange = number && (!field.minimum || *number >= *field.minimum) &&
                   (!field.maximum || *number <= *field.maximum);
    if (inRange) return std::nullopt;
    if (field.minimum && field.maximum)
        return "must be an integer between " + std::to_string(*field.minimum) + " and " +
               std::to_string(*field.maximum);
    if (field.minimum) return "must be an integer of at least " + std::to_string(*field.minimum);
    if (field.maximum) return "must be an integer of at most " + std::to_string(*field.maximum);
    return "must be an integer";
}

/// Length in characters (code points), as JSON Schema counts it; the input is valid UTF-8
/// (Boost.JSON refuses anything else), so counting non-continuation bytes is exact.
std::size_t codePoints(std::string_view text) {
    std::size_t count = 0;
    for (unsigned char c : text) count += (c & 0xC0) != 0x80;
    return count;
}

std::optional<std::string> checkString(const Field& field, const json::value& value) {
    if (!value.is_string()) return "must be a string";
    std::string_view text = value.get_string();
    auto length = codePoints(text);
    if (field.minLength && length < *field.minLength)
        return field.minLength == 1u
                   ? std::string("must not be empty")
                   : "must be at least " + std::to_string(*field.minLength) + " characters long";
    if (field.maxLength && length > *field.maxLength)
        return "must be at most " + std::to_string(*field.maxLength) + " characters long";
    if (field.allowed.empty()) return std::nullopt;
    for (const auto& allowed : field.allowed)
        if (allowed == text) return std::nullopt;
    return "must be one of " + quoted(field.allowed);
}

std::optional<std::string> checkObject(const Field& field, const json::value& value,
                                       const std::string& path);

/// Each item checked by `check(item, itemPath)`, which returns the whole message.
template <class Check>
std::optional<std::string> checkList(const Field& field, const json::value& value,
                                     const std::string& path, const char* what, Check check) {
    if (!value.is_array()) return path + ": must be an array of " + what;
    const auto& array = value.get_array();
    if (field.maxItems && array.size() > *field.maxItems)
        return path + ": must have at most " + std::to_string(*field.maxItems) + " items";
    for (std::size_t i = 0; i < array.size(); ++i)
        if (auto error = check(array[i], path + "[" + std::to_string(i) + "]")) return error;
    return std::nullopt;
}

std::optional<std::string> checkListItems(const Field& field, const json::value& value,
                                          const std::string& path) {
    auto prefixed = [](std::optional<std::string> error, const std::string& at) {
        return error ? std::optional<std::string>(at + ": " + *error) : std::nullopt;
    };
    switch (field.kind) {
        case Field::Kind::StringArray:
            return checkList(field, value, path, "strings", [&](const auto& item, const auto& at) {
                return prefixed(checkString(field, item), at);
            });
        case Field::Kind::IntegerArray:
            return checkList(field, value, path, "integers", [&](const auto& item, const auto& at) {
                return prefixed(checkInteger(field, item), at);
            });
        default:
            return checkList(field, value, path, "objects", [&](const auto& item, const auto& at) {
                return checkObject(field, item, at);
            });
    }
}

std::optional<std::string> checkField(const Field& field, const json::value& value,
                                      const std::string& path) {
    auto at = [&](std::optional<std::string> error) -> std::optional<std::string> {
        if (error) return path + ": " + *error;
        return std::nullopt;
    };
    switch (field.kind) {
        case Field::Kind::String:
            return at(checkString(field, value));
        case Field::Kind::Integer:
            return at(checkInteger(field, value));
        case Field::Kind::Number:
            return value.is_number() ? std::nullopt : at("must be a number");
        case Field::Kind::Boolean:
            return value.is_bool() ? std::nullopt : at("must be a boolean");
        case Field::Kind::StringArray:
        case Field::Kind::IntegerArray:
        case Field::Kind::ObjectArray:
            return checkListItems(field, value, path);
        case Field::Kind::Object:
            return checkObject(field, value, path);
    }
    return std::nullopt;
}

bool declares(const Shape& shape, std::string_view name) {
    for (const auto& property : shape)
        if (property.name == name) return true;
    return false;
}

std::optional<std::string> checkProperties(const Shape& shape, const json::object& value,
                                           std::string_view path, bool open) {
    for (const auto& property : shape) {
        std::string at = std::string(path) + "." + property.name;
        const auto* found = value.if_contains(property.name);
        if (!found) {
            if (property.required) return at + ": is required";
            continue;
        }
        if (auto error = checkField(property.field, *found, at)) return error;
    }
    if (open) return std::nullopt;
    for (const auto& member : value)
        if (!declares(shape, member.key()))
            return std::string(path) + "." + std::string(member.key()) +
                   ": is not a known property";
    return std::nullopt;
}

std::optional<std::string> checkObject(const Field& field, const json::value& value,
                                       const std::string& path) {
    if (!value.is_object()) return path + ": must be an object";
    return checkProperties(field.properties, value.get_object(), path, field.open);
}

}  // namespace

Field& Field::between(std::int64_t low, std::int64_t high) {
    minimum = low;
    maximum = high;
    return *this;
}
Field& Field::atLeast(std::int64_t low) {
    minimum = low;
    return *this;
}
Field& Field::lengthBetween(std::size_t low, std::size_t high) {
    minLength = low;
    maxLength = high;
    return *this;
}
Field& Field::maxChars(std::size_t high) {
    maxLength = high;
    return *this;
}
Field& Field::oneOf(std::vector<std::string> values) {
    allowed = std::move(values);
    return *this;
}
Field& Field::items(std::size_t high) {
    maxItems = high;
    return *this;
}
Field& Field::openEnded() {
    open = true;
    return *this;
}

Field text(std::string description) {
    return make(Field::Kind::String, std::move(description));
}
Field integer(std::string description) {
    return make(Field::Kind::Integer, std::move(description));
}
Field number(std::string description) {
    return make(Field::Kind::Number, std::move(description));
}
Field boolean(std::string description) {
    return make(Field::Kind::Boolean, std::move(description));
}
Field textList(std::string description) {
    return make(Field::Kind::StringArray, std::move(description));
}
Field integerList(std::string description) {
    return make(Field::Kind::IntegerArray, std::move(description));
}
Field objectList(std::string description, Shape properties) {
    Field field = make(Field::Kind::ObjectArray, std::move(description));
    field.properties = std::move(properties);
    return field;
}
Field object(std::string description, Shape properties) {
    Field field = make(Field::Kind::Object, std::move(description));
    field.properties = std::move(properties);
    return field;
}

Property required(std::string name, Field field) {
    return {std::move(name), std::move(field), true};
}
Property optional(std::string name, Field field) {
    return {std::move(name), std::move(field), false};
}

json::object toJsonSchema(const Shape& shape) {
    json::object properties;
    json::array requiredNames;
    for (const auto& property : shape) {
        properties[property.name] = fieldSchema(property.field);
        if (property.required) requiredNames.emplace_back(property.name);
    }
    json::object schema{{"type", "object"}, {"properties", std::move(properties)}};
    if (!requiredNames.empty()) schema["required"] = std::move(requiredNames);
    schema["additionalProperties"] = false;
    return schema;
}

std::optional<std::string> validate(const Shape& shape, const json::object& value,
                                    std::string_view path) {
    return checkProperties(shape, value, path, false);
}

}  // namespace parawork::mcp
