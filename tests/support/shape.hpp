// A small checker of JSON shapes for the contract tests: declare what a response must look like
// and get back every way the actual value differs, each with the JSON path where it does, e.g.
//
//   Shape repository = Shape::object({
//       {"id", Shape::uuid()},
//       {"remoteUrl", Shape::stringOrNull()},            // required key; may be null
//       {"gitWorktree", Shape::object({...}).optional()},  // the key may be omitted
//       {"data", Shape::absent()},                         // the key must not be there
//   });
//   check(value, repository)  ->  {"gitWorktree.branchName: expected string, got null"}
//
// Objects accept keys they do not declare unless `closed()`: our extensions are additive.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

namespace parawork::test {

class Shape {
  public:
    using Field = std::pair<std::string, Shape>;
    /// Returns an empty string when the value is fine, else what is wrong with it.
    using Predicate = std::function<std::string(const boost::json::value&)>;

    /// Anything at all (the key must still be present unless optional()).
    static Shape any();
    static Shape string();
    /// Any JSON number, integral or not.
    static Shape number();
    /// A JSON integer (no fraction, no exponent): ids, timestamps, counts.
    static Shape integer();
    static Shape boolean();
    static Shape null();
    /// Exactly this value, e.g. Shape::literal(true) or Shape::literal("ok").
    static Shape literal(boost::json::value value);
    /// A string that is one of `values`, e.g. a status enumeration.
    static Shape oneOf(std::vector<std::string> values);
    /// A lower-case, hyphenated UUID version 4 string.
    static Shape uuid();
    /// An array whose every element has the shape `element`.
    static Shape arrayOf(Shape element);
    /// An object with these keys (and any others, unless closed()).
    static Shape object(std::vector<Field> fields);
    /// An object used as a map: any keys, every value of the shape `value`.
    static Shape mapOf(Shape value);
    /// Used as an object field: the key must not be present at all (not even as null).
    static Shape absent();

    static Shape stringOrNull() { return string().nullable(); }
    static Shape integerOrNull() { return integer().nullable(); }

    /// null is also accepted.
    Shape nullable() const;
    /// As an object field: the key may be omitted (if present, it must match).
    Shape optional() const;
    /// As an object: keys it does not declare are problems.
    Shape closed() const;
    /// An extra condition, checked once the basic type matched.
    Shape where(Predicate predicate) const;
    /// An object with this shape's fields plus `more` (replacing fields of the same name).
    Shape extendedWith(std::vector<Field> more) const;

    /// A short description of what is expected, e.g. "string or null".
    std::string describe() const;

  private:
    enum class Kind {
        Any,
        String,
        Number,
        Integer,
        Bool,
        Null,
        Literal,
        OneOf,
        Array,
        Object,
        Map,
        Absent
    };
    explicit Shape(Kind kind) : kind_(kind) {}

    friend void checkInto(const boost::json::value&, const Shape&, const std::string&,
                          std::vector<std::string>&);

    Kind kind_;
    bool nullable_ = false;
    bool optional_ = false;
    bool closed_ = false;
    boost::json::value literal_;
    std::vector<std::string> values_;
    std::shared_ptr<const Shape> element_;  ///< Array elements, Map values
    std::vector<Field> fields_;
    std::vector<Predicate> predicates_;
};

/// Every problem of `value` against `shape`, each prefixed with its JSON path (`root` names the
/// value itself; paths continue as root.key[3].key). Empty when the value conforms.
std::vector<std::string> check(const boost::json::value& value, const Shape& shape,
                               const std::string& root = "");

/// The problems as one readable block, one per line.
std::string describeProblems(const std::vector<std::string>& problems);

/// How a value reads in a problem: `null`, `string "abc"`, `object`, `number 3.5`, ...
std::string describeValue(const boost::json::value& value);

}  // namespace parawork::test
