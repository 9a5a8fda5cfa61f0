#include "support/shape.hpp"

#include <algorithm>
#include <regex>

#include <boost/json/serialize.hpp>

namespace parawork::test {

namespace json = boost::json;

namespace {

std::string join(const std::vector<std::string>& items, const std::string& separator) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
    return out;
}

std::string member(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
}

std::string where(const std::string& path) {
    return path.empty() ? "(root)" : path;
}

bool isInteger(const json::value& v) {
    return v.is_int64() || v.is_uint64();
}

}  // namespace

Shape Shape::any() {
    return Shape(Kind::Any);
}
Shape Shape::string() {
    return Shape(Kind::String);
}
Shape Shape::number() {
    return Shape(Kind::Number);
}
Shape Shape::integer() {
    return Shape(Kind::Integer);
}
Shape Shape::boolean() {
    return Shape(Kind::Bool);
}
Shape Shape::null() {
    return Shape(Kind::Null);
}
Shape Shape::absent() {
    return Shape(Kind::Absent);
}

Shape Shape::literal(json::value value) {
    Shape s(Kind::Literal);
    s.literal_ = std::move(value);
    return s;
}

Shape Shape::oneOf(std::vector<std::string> values) {
    Shape s(Kind::OneOf);
    s.values_ = std::move(values);
    return s;
}

Shape Shape::uuid() {
    return string().where([](const json::value& v) -> std::string {
        static const std::regex v4(
            "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        if (std::regex_match(std::string(v.as_string()), v4)) return {};
        return "expected a lower-case UUID v4, got " + describeValue(v);
    });
}

Shape Shape::arrayOf(Shape element) {
    Shape s(Kind::Array);
    s.element_ = std::make_shared<const Shape>(std::move(element));
    return s;
}

Shape Shape::object(std::vector<Field> fields) {
    Shape s(Kind::Object);
    s.fields_ = std::move(fields);
    return s;
}

Shape Shape::mapOf(Shape value) {
    Shape s(Kind::Map);
    s.element_ = std::make_shared<const Shape>(std::move(value));
    return s;
}

Shape Shape::nullable() const {
    Shape s = *this;
    s.nullable_ = true;
    return s;
}

Shape Shape::optional() const {
    Shape s = *this;
    s.optional_ = true;
    return s;
}

Shape Shape::closed() const {
    Shape s = *this;
    s.closed_ = true;
    return s;
}

Shape Shape::where(Predicate predicate) const {
    Shape s = *this;
    s.predicates_.push_back(std::move(predicate));
    return s;
}

Shape Shape::extendedWith(std::vector<Field> more) const {
    Shape s = *this;
    for (auto& field : more) {
        auto same = std::find_if(s.fields_.begin(), s.fields_.end(),
                                 [&](const Field& f) { return f.first == field.first; });
        if (same != s.fields_.end())
            same->second = std::move(field.second);
        else
            s.fields_.push_back(std::move(field));
    }
    return s;
}

std::string Shape::describe() const {
    std::string out;
    switch (kind_) {
        case Kind::Any:
            out = "any value";
            break;
        case Kind::String:
            out = "string";
            break;
        case Kind::Number:
            out = "number";
            break;
        case Kind::Integer:
            out = "integer";
            break;
        case Kind::Bool:
            out = "boolean";
            break;
        case Kind::Null:
            out = "null";
            break;
        case Kind::Literal:
            out = json::serialize(literal_);
            break;
        case Kind::OneOf: {
            std::vector<std::string> quoted;
            for (const auto& v : values_) quoted.push_back('"' + v + '"');
            out = "one of " + join(quoted, "|");
            break;
        }
        case Kind::Array:
            out = "array of " + element_->describe();
            break;
        case Kind::Object:
        case Kind::Map:
            out = "object";
            break;
        case Kind::Absent:
            out = "no such key";
            break;
    }
    return nullable_ ? out + " or null" : out;
}

std::string describeValue(const json::value& v) {
    switch (v.kind()) {
        case json::kind::null:
            return "null";
        case json::kind::bool_:
            return v.as_bool() ? "true" : "false";
        case json::kind::int64:
        case json::kind::uint64:
        case json::kind::double_:
            return "number " + json::serialize(v);
        case json::kind::string: {
            std::string text = json::serialize(v);
            if (text.size() > 60) text = text.substr(0, 57) + "...";
            return "string " + text;
        }
        case json::kind::array:
            return "array of " + std::to_string(v.as_array().size());
        case json::kind::object:
            return "object";
    }
    return "?";
}

void checkInto(const json::value& v, const Shape& shape, const std::string& path,
               std::vector<std::string>& problems) {
    using Kind = Shape::Kind;
    auto expected = [&] {
        problems.push_back(where(path) + ": expected " + shape.describe() + ", got " +
                           describeValue(v));
    };
    if (shape.kind_ == Kind::Absent) {
        problems.push_back(where(path) + ": must be absent, got " + describeValue(v));
        return;
    }
    if (v.is_null() && (shape.nullable_ || shape.kind_ == Kind::Null || shape.kind_ == Kind::Any))
        return;
    bool typeOk = true;
    switch (shape.kind_) {
        case Kind::Any:
        case Kind::Absent:
            break;
        case Kind::String:
            typeOk = v.is_string();
            break;
        case Kind::Number:
            typeOk = v.is_number();
            break;
        case Kind::Integer:
            typeOk = isInteger(v);
            break;
        case Kind::Bool:
            typeOk = v.is_bool();
            break;
        case Kind::Null:
            typeOk = v.is_null();
            break;
        case Kind::Literal:
            typeOk = v == shape.literal_;
            break;
        case Kind::OneOf:
            typeOk = v.is_string() && std::find(shape.values_.begin(), shape.values_.end(),
                                                v.as_string()) != shape.values_.end();
            break;
        case Kind::Array:
            typeOk = v.is_array();
            if (typeOk) {
                const auto& items = v.as_array();
                for (std::size_t i = 0; i < items.size(); ++i)
                    checkInto(items[i], *shape.element_, path + "[" + std::to_string(i) + "]",
                              problems);
            }
            break;
        case Kind::Map:
            typeOk = v.is_object();
            if (typeOk)
                for (const auto& [key, value] : v.as_object())
                    checkInto(value, *shape.element_, member(path, std::string(key)), problems);
            break;
        case Kind::Object:
            typeOk = v.is_object();
            if (typeOk) {
                const auto& object = v.as_object();
                for (const auto& [key, fieldShape] : shape.fields_) {
                    const auto* value = object.if_contains(key);
                    if (value) {
                        checkInto(*value, fieldShape, member(path, key), problems);
                    } else if (!fieldShape.optional_ && fieldShape.kind_ != Kind::Absent) {
                        problems.push_back(member(path, key) + ": missing (expected " +
                                           fieldShape.describe() + ")");
                    }
                }
                if (shape.closed_) {
                    for (const auto& [key, value] : object) {
                        bool declared =
                            std::any_of(shape.fields_.begin(), shape.fields_.end(),
                                        [&](const Shape::Field& f) { return f.first == key; });
                        if (!declared)
                            problems.push_back(member(path, std::string(key)) +
                                               ": unexpected key (" + describeValue(value) + ")");
                    }
                }
            }
            break;
    }
    if (!typeOk) {
        expected();
        return;
    }
    for (const auto& predicate : shape.predicates_)
        if (auto problem = predicate(v); !problem.empty())
            problems.push_back(where(path) + ": " + problem);
}

std::vector<std::string> check(const json::value& value, const Shape& shape,
                               const std::string& root) {
    std::vector<std::string> problems;
    checkInto(value, shape, root, problems);
    return problems;
}

std::string describeProblems(const std::vector<std::string>& problems) {
    return problems.empty() ? "(none)" : "  " + join(problems, "\n  ");
}

}  // namespace parawork::test
