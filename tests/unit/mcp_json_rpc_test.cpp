// JSON-RPC 2.0 reading and building (src/mcp/json_rpc): bounds, malformed input, ids echoed.
#include "mcp/json_rpc.hpp"

#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace parawork::mcp {
namespace {

namespace json = boost::json;

RpcLimits limits() {
    return RpcLimits{.maxBytes = 1024, .maxBatch = 3, .maxDepth = 8};
}

const json::object& error(const json::object& answer) {
    return answer.at("error").as_object();
}

TEST(McpJsonRpc, ReadsARequestWithItsIdAndParams) {
    auto body = parseBody(R"({"jsonrpc":"2.0","id":"a-1","method":"tools/list","params":{"x":1}})",
                          limits());
    ASSERT_FALSE(body.failure);
    ASSERT_EQ(body.entries.size(), 1u);
    ASSERT_TRUE(body.entries[0].message);
    const auto& message = *body.entries[0].message;
    EXPECT_EQ(message.method, "tools/list");
    EXPECT_EQ(*message.id, json::value("a-1"));
    EXPECT_EQ(message.params.at("x"), json::value(1));
    EXPECT_FALSE(message.isNotification());
}

TEST(McpJsonRpc, ANotificationHasNoId) {
    auto body = parseBody(R"({"jsonrpc":"2.0","method":"notifications/initialized"})", limits());
    ASSERT_TRUE(body.entries[0].message);
    EXPECT_TRUE(body.entries[0].message->isNotification());
    EXPECT_TRUE(body.entries[0].message->params.empty());
}

TEST(McpJsonRpc, IntegerIdsAreEchoedExactly) {
    auto body =
        parseBody(R"({"jsonrpc":"2.0","id":18446744073709551615,"method":"ping"})", limits());
    ASSERT_TRUE(body.entries[0].message);
    auto answer = resultAnswer(*body.entries[0].message->id, {});
    EXPECT_EQ(json::serialize(answer),
              R"({"jsonrpc":"2.0","id":18446744073709551615,"result":{}})");
}

TEST(McpJsonRpc, MalformedJsonIsAParseErrorWithIdNull) {
    auto body = parseBody(R"({"jsonrpc":"2.0","id":1,"method":)", limits());
    ASSERT_TRUE(body.failure);
    EXPECT_EQ(error(*body.failure).at("code"), json::value(rpc::kParseError));
    EXPECT_TRUE(body.failure->at("id").is_null());
    EXPECT_TRUE(body.entries.empty());
}

TEST(McpJsonRpc, TooDeepJsonIsAParseError) {
    std::string deep = std::string(20, '[') + std::string(20, ']');
    auto body = parseBody(deep, limits());
    ASSERT_TRUE(body.failure);
    EXPECT_EQ(error(*body.failure).at("code"), json::value(rpc::kParseError));
}

TEST(McpJsonRpc, ABodyOverTheLimitIsRefusedUnread) {
    std::string big = R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":")" +
                      std::string(2000, 'x') + R"("}})";
    auto body = parseBody(big, limits());
    ASSERT_TRUE(body.failure);
    EXPECT_EQ(error(*body.failure).at("code"), json::value(rpc::kInvalidRequest));
    EXPECT_NE(std::string(error(*body.failure).at("message").as_string()).find("limit of 1024"),
              std::string::npos);
    EXPECT_TRUE(body.failure->at("id").is_null());
}

TEST(McpJsonRpc, WrongJsonrpcVersionIsAnInvalidRequestEchoingTheId) {
    auto body = parseBody(R"({"jsonrpc":"1.0","id":7,"method":"ping"})", limits());
    ASSERT_TRUE(body.entries[0].errorAnswer);
    const auto& answer = *body.entries[0].errorAnswer;
    EXPECT_EQ(error(answer).at("code"), json::value(rpc::kInvalidRequest));
    EXPECT_EQ(answer.at("id"), json::value(7));
}

TEST(McpJsonRpc, InvalidShapesAreInvalidRequests) {
    for (const char* text :
         {R"([1])", R"({"jsonrpc":"2.0","id":1})", R"({"jsonrpc":"2.0","id":1,"method":5})",
          R"({"jsonrpc":"2.0","id":null,"method":"ping"})",
          R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})",
          R"({"jsonrpc":"2.0","id":1,"method":"ping","params":[1]})", R"("ping")"}) {
        auto body = parseBody(text, limits());
        ASSERT_EQ(body.entries.size(), 1u) << text;
        ASSERT_TRUE(body.entries[0].errorAnswer) << text;
        EXPECT_EQ(error(*body.entries[0].errorAnswer).at("code"), json::value(rpc::kInvalidRequest))
            << text;
    }
}

TEST(McpJsonRpc, AnIdThatIsNotStringOrIntegerIsAnsweredWithNull) {
    auto body = parseBody(R"({"jsonrpc":"2.0","id":{"a":1},"method":"ping"})", limits());
    ASSERT_TRUE(body.entries[0].errorAnswer);
    EXPECT_TRUE(body.entries[0].errorAnswer->at("id").is_null());
}

TEST(McpJsonRpc, AClientsResponseNeedsNoAnswer) {
    auto body = parseBody(R"({"jsonrpc":"2.0","id":3,"result":{}})", limits());
    ASSERT_EQ(body.entries.size(), 1u);
    EXPECT_FALSE(body.entries[0].message);
    EXPECT_FALSE(body.entries[0].errorAnswer);
}

TEST(McpJsonRpc, ABatchIsReadElementByElement) {
    auto body = parseBody(
        R"([{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"n"},{"id":2}])",
        limits());
    ASSERT_FALSE(body.failure);
    EXPECT_TRUE(body.isBatch);
    ASSERT_EQ(body.entries.size(), 3u);
    EXPECT_TRUE(body.entries[0].message);
    EXPECT_TRUE(body.entries[1].message);
    EXPECT_TRUE(body.entries[2].errorAnswer);
}

TEST(McpJsonRpc, ABatchOverTheLimitIsRefusedWhole) {
    std::string batch = "[";
    for (int i = 0; i < 4; ++i)
        batch += std::string(i ? "," : "") + R"({"jsonrpc":"2.0","id":)" + std::to_string(i) +
                 R"(,"method":"ping"})";
    auto body = parseBody(batch + "]", limits());
    ASSERT_TRUE(body.failure);
    EXPECT_TRUE(body.entries.empty());
    EXPECT_EQ(error(*body.failure).at("code"), json::value(rpc::kInvalidRequest));
    EXPECT_NE(std::string(error(*body.failure).at("message").as_string()).find("4 messages"),
              std::string::npos);
}

TEST(McpJsonRpc, AnEmptyBatchIsAnInvalidRequest) {
    auto body = parseBody("[]", limits());
    ASSERT_TRUE(body.failure);
    EXPECT_EQ(error(*body.failure).at("code"), json::value(rpc::kInvalidRequest));
}

TEST(McpJsonRpc, ErrorAnswersCarryDataWhenGiven) {
    auto answer = errorAnswer(json::value("x"), RpcError{rpc::kInvalidParams, "bad",
                                                         json::value(json::object{{"k", 1}})});
    EXPECT_EQ(
        json::serialize(answer),
        R"({"jsonrpc":"2.0","id":"x","error":{"code":-32602,"message":"bad","data":{"k":1}}})");
    auto bare = errorAnswer(nullptr, RpcError{rpc::kParseError, "Parse error", std::nullopt});
    EXPECT_FALSE(bare.at("error").as_object().contains("data"));
}

}  // namespace
}  // namespace parawork::mcp
