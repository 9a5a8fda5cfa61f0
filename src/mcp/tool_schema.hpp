// The shape of a tool's arguments and of its structured output, declared once: the published
// JSON Schema (2020-12, the MCP default dialect) and the validation of incoming values both come
// from the same `Shape`, so they cannot drift apart.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace parawork::mcp {

struct Property;

/// One value's type and bounds. Build with the free functions below and chain the bounds:
/// `integer("How long to wait, in ms").between(0, 600000)`.
struct Field {
    enum class Kind {
        String,
        Integer,
        Number,
        Boolean,
        StringArray,
        IntegerArray,
        Object,
        ObjectArray
    };
    Kind kind = Kind::String;
    std::string description;
    std::optional<std::size_t> minLength;  ///< strings and each string of a StringArray
    std::optional<std::size_t> maxLength;  ///< ditto
    std::vector<std::string> allowed;      ///< String: the enum of values; empty: any
    std::optional<std::int64_t> minimum;   ///< Integer and each item of an IntegerArray
    std::optional<std::int64_t> maximum;   ///< ditto
    std::optional<std::size_t> maxItems;   ///< the arrays
    std::vector<Property> properties;      ///< Object and each ObjectArray item: its fields
    /// Object / ObjectArray: other properties are allowed too (an entity as the REST API shows
    /// it, whose declared fields are the ones a client relies on). Never for arguments.
    bool open = false;

    Field& between(std::int64_t low, std::int64_t high);
    Field& atLeast(std::int64_t low);
    Field& lengthBetween(std::size_t low, std::size_t high);
    Field& maxChars(std::size_t high);
    Field& oneOf(std::vector<std::string> values);
    Field& items(std::size_t high);
    Field& openEnded();
};

/// A named field of an object, required or optional.
struct Property {
    std::string name;
    Field field;
    bool required = false;
};

/// The fields of an object: a tool's arguments or its structured output.
using Shape = std::vector<Property>;

Field text(std::string description);
Field integer(std::string description);
Field number(std::string description);
Field boolean(std::string description);
Field textList(std::string description);
Field integerList(std::string description);
Field object(std::string description, Shape properties);
/// An array of objects of `properties` (e.g. the workspaces of a list).
Field objectList(std::string description, Shape properties);

Property required(std::string name, Field field);
Property optional(std::string name, Field field);

/// {"type":"object","properties":{…},"required":[…],"additionalProperties":false}; "required"
/// is left out when nothing is.
boost::json::object toJsonSchema(const Shape& shape);

/// The first way `value` breaks `shape`, as "<path>.<field>: <what is wrong>" (e.g.
/// "arguments.timeoutMs: must be an integer between 0 and 600000"); nullopt when it conforms.
/// Properties are checked in declaration order, then unknown ones, so the message is stable.
std::optional<std::string> validate(const Shape& shape, const boost::json::object& value,
                                    std::string_view path);

}  // namespace parawork::mcp
