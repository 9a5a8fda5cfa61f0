// One declaration, two uses (src/mcp/tool_schema): the published JSON Schema and the validation
// of arguments, each bound with its precise message.
#include "mcp/tool_schema.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "mcp/tool.hpp"

namespace parawork::mcp {
namespace {

namespace json = boost::json;

Shape waitShape() {
    return {required("sessionId", text("The session").lengthBetween(1, 8)),
            optional("timeoutMs", integer("How long").between(0, 600000)),
            optional("until", text("What to wait for").oneOf({"idle", "ended"})),
            optional("keys", textList("Keys to send").items(2).maxChars(3)),
            optional("count", integer("At least one").atLeast(1)),
            optional("ratio", number("Any number")),
            optional("detached", boolean("Run on")),
            optional("limits", object("Limits", {required("memory", text("Bytes"))}))};
}

std::optional<std::string> check(std::string_view args) {
    return validate(waitShape(), json::parse(args).as_object(), "arguments");
}

TEST(McpToolSchema, PublishesAClosedObjectSchema) {
    auto schema = toJsonSchema(waitShape());
    EXPECT_EQ(schema.at("type"), json::value("object"));
    EXPECT_EQ(schema.at("additionalProperties"), json::value(false));
    EXPECT_EQ(schema.at("required"), json::parse(R"(["sessionId"])"));
    const auto& properties = schema.at("properties").as_object();
    EXPECT_EQ(properties.at("sessionId"),
              json::parse(R"({"type":"string","minLength":1,"maxLength":8,
                              "description":"The session"})"));
    EXPECT_EQ(properties.at("timeoutMs"),
              json::parse(R"({"type":"integer","minimum":0,"maximum":600000,
                              "description":"How long"})"));
    EXPECT_EQ(properties.at("until").at("enum"), json::parse(R"(["idle","ended"])"));
    EXPECT_EQ(properties.at("keys"),
              json::parse(R"({"type":"array","items":{"type":"string","maxLength":3},
                              "maxItems":2,"description":"Keys to send"})"));
    EXPECT_EQ(properties.at("limits"),
              json::parse(R"({"type":"object","properties":{"memory":{"type":"string",
                              "description":"Bytes"}},"required":["memory"],
                              "additionalProperties":false,"description":"Limits"})"));
}

TEST(McpToolSchema, AShapeWithoutRequiredFieldsHasNoRequiredList) {
    auto schema = toJsonSchema({optional("x", boolean("X"))});
    EXPECT_FALSE(schema.contains("required"));
    EXPECT_EQ(toJsonSchema({}).at("properties"), json::object{});
}

TEST(McpToolSchema, AcceptsConformingArguments) {
    EXPECT_EQ(check(R"({"sessionId":"s1"})"), std::nullopt);
    EXPECT_EQ(check(R"({"sessionId":"é€𝄞","timeoutMs":600000,"until":"idle","keys":["a","bcd"],
                        "count":3,"ratio":0.5,"detached":true,"limits":{"memory":"2G"}})"),
              std::nullopt);
    EXPECT_EQ(check(R"({"sessionId":"s1","timeoutMs":5.0})"), std::nullopt);  // 2020-12 integer
}

TEST(McpToolSchema, NamesEachBrokenBoundPrecisely) {
    EXPECT_EQ(check(R"({})"), "arguments.sessionId: is required");
    EXPECT_EQ(check(R"({"sessionId":7})"), "arguments.sessionId: must be a string");
    EXPECT_EQ(check(R"({"sessionId":""})"), "arguments.sessionId: must not be empty");
    EXPECT_EQ(check(R"({"sessionId":"123456789"})"),
              "arguments.sessionId: must be at most 8 characters long");
    EXPECT_EQ(check(R"({"sessionId":"s","timeoutMs":600001})"),
              "arguments.timeoutMs: must be an integer between 0 and 600000");
    EXPECT_EQ(check(R"({"sessionId":"s","timeoutMs":-1})"),
              "arguments.timeoutMs: must be an integer between 0 and 600000");
    EXPECT_EQ(check(R"({"sessionId":"s","timeoutMs":1.5})"),
              "arguments.timeoutMs: must be an integer between 0 and 600000");
    EXPECT_EQ(check(R"({"sessionId":"s","timeoutMs":"5"})"),
              "arguments.timeoutMs: must be an integer between 0 and 600000");
    EXPECT_EQ(check(R"({"sessionId":"s","count":0})"),
              "arguments.count: must be an integer of at least 1");
    EXPECT_EQ(check(R"({"sessionId":"s","until":"busy"})"),
              R"(arguments.until: must be one of "idle", "ended")");
    EXPECT_EQ(check(R"({"sessionId":"s","ratio":"x"})"), "arguments.ratio: must be a number");
    EXPECT_EQ(check(R"({"sessionId":"s","detached":1})"), "arguments.detached: must be a boolean");
}

TEST(McpToolSchema, ChecksListsAndNestedObjects) {
    EXPECT_EQ(check(R"({"sessionId":"s","keys":"a"})"),
              "arguments.keys: must be an array of strings");
    EXPECT_EQ(check(R"({"sessionId":"s","keys":["a","b","c"]})"),
              "arguments.keys: must have at most 2 items");
    EXPECT_EQ(check(R"({"sessionId":"s","keys":["a",1]})"), "arguments.keys[1]: must be a string");
    EXPECT_EQ(check(R"({"sessionId":"s","keys":["abcd"]})"),
              "arguments.keys[0]: must be at most 3 characters long");
    EXPECT_EQ(check(R"({"sessionId":"s","limits":[]})"), "arguments.limits: must be an object");
    EXPECT_EQ(check(R"({"sessionId":"s","limits":{}})"), "arguments.limits.memory: is required");
    EXPECT_EQ(check(R"({"sessionId":"s","limits":{"memory":"1G","cpu":2}})"),
              "arguments.limits.cpu: is not a known property");
}

TEST(McpToolSchema, RefusesPropertiesItDoesNotDeclare) {
    EXPECT_EQ(check(R"({"sessionId":"s","sessionID":"t"})"),
              "arguments.sessionID: is not a known property");
}

TEST(McpToolSchema, NullIsNotAnAbsentValue) {
    EXPECT_EQ(check(R"({"sessionId":"s","timeoutMs":null})"),
              "arguments.timeoutMs: must be an integer between 0 and 600000");
}

TEST(McpToolSchema, ToolNamesFollowTheSpecsRule) {
    EXPECT_NO_THROW(checkToolName("session_wait"));
    EXPECT_NO_THROW(checkToolName("admin.tools-v2"));
    EXPECT_THROW(checkToolName(""), std::invalid_argument);
    EXPECT_THROW(checkToolName("session wait"), std::invalid_argument);
    EXPECT_THROW(checkToolName(std::string(129, 'a')), std::invalid_argument);
}

/// Lists of integers and of objects, and open objects (an entity whose other fields pass).
Shape listShape() {
    return {optional("ports", integerList("Ports").items(2).between(1, 65535)),
            optional("sessions",
                     objectList("Sessions", {required("id", text("Its id"))}).items(3).openEnded()),
            optional("strict", objectList("Closed items", {required("id", text("Its id"))}))};
}

std::optional<std::string> checkList(std::string_view args) {
    return validate(listShape(), json::parse(args).as_object(), "arguments");
}

TEST(McpToolSchema, PublishesArraysOfIntegersAndObjects) {
    auto schema = toJsonSchema(listShape());
    const auto& properties = schema.at("properties").as_object();
    EXPECT_EQ(properties.at("ports"),
              json::parse(R"({"type":"array","items":{"type":"integer","minimum":1,
                              "maximum":65535},"maxItems":2,"description":"Ports"})"));
    EXPECT_EQ(properties.at("sessions"),
              json::parse(R"({"type":"array","items":{"type":"object","properties":
                              {"id":{"type":"string","description":"Its id"}},
                              "required":["id"]},"maxItems":3,"description":"Sessions"})"));
    EXPECT_EQ(properties.at("strict").at("items").at("additionalProperties"), json::value(false));
}

TEST(McpToolSchema, ChecksEachItemOfAList) {
    EXPECT_EQ(checkList(R"({"ports":[80,443],"sessions":[{"id":"a","status":"x"}]})"),
              std::nullopt);
    EXPECT_EQ(checkList(R"({"ports":[80,0]})"),
              "arguments.ports[1]: must be an integer between 1 and 65535");
    EXPECT_EQ(checkList(R"({"ports":[1,2,3]})"), "arguments.ports: must have at most 2 items");
    EXPECT_EQ(checkList(R"({"ports":"80"})"), "arguments.ports: must be an array of integers");
    EXPECT_EQ(checkList(R"({"sessions":[{"id":"a"},{}]})"),
              "arguments.sessions[1].id: is required");
    EXPECT_EQ(checkList(R"({"sessions":[1]})"), "arguments.sessions[0]: must be an object");
    EXPECT_EQ(checkList(R"({"sessions":{}})"), "arguments.sessions: must be an array of objects");
    EXPECT_EQ(checkList(R"({"strict":[{"id":"a","status":"x"}]})"),
              "arguments.strict[0].status: is not a known property");
}

}  // namespace
}  // namespace parawork::mcp
