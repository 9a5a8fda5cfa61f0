// How values cross between C++ and SQLite rows in the store's query files: NULL <-> empty
// optional, enumerations by their wire spelling, the JSON text columns (command_json,
// env_json), and the shapes every query file repeats (reading all rows, counting a session's
// rows). Private to src/store.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

#include "core/error.hpp"

namespace SQLite {
class Database;
}

namespace parawork::store {

/// Binds `value`, or NULL when it is empty.
template <class T>
void bindOptional(SQLite::Statement& statement, int index, const std::optional<T>& value) {
    if (value)
        statement.bind(index, *value);
    else
        statement.bind(index);
}

std::optional<std::string> optionalString(const SQLite::Column& column);
std::optional<int> optionalInt(const SQLite::Column& column);
std::optional<std::int64_t> optionalInt64(const SQLite::Column& column);
std::optional<double> optionalDouble(const SQLite::Column& column);

/// Reads an enumeration column with `parse` (core::parseSessionStatus...). The schema's CHECK
/// constraints keep other spellings out, so one here means a damaged database: throws
/// core::Error naming the column and the value.
template <class Parse>
auto enumColumn(const SQLite::Column& column, Parse parse) {
    std::string text = column.getString();
    auto value = parse(text);
    if (!value)
        throw core::Error(std::string("database: unknown value '") + text + "' in column " +
                          column.getName());
    return *value;
}

/// Steps `query` to its end and maps each row with `mapRow(query)`, in the query's order.
template <class MapRow>
auto readRows(SQLite::Statement& query, MapRow mapRow) {
    std::vector<decltype(mapRow(query))> rows;
    while (query.executeStep()) rows.push_back(mapRow(query));
    return rows;
}

/// How many rows of `table` (a table with a session_id column) belong to the session.
std::int64_t countRowsOfSession(SQLite::Database& sql, std::string_view table,
                                const std::string& sessionId);

/// `["a","b"]`: a JSON array of strings (RFC 8259 §7 escaping; bytes >= 0x80 pass through).
std::string encodeJsonStringArray(const std::vector<std::string>& items);
/// `{"K":"V",...}`: a JSON object of strings, keys in map order.
std::string encodeJsonStringObject(const std::map<std::string, std::string>& items);

/// Decodes the JSON text columns with SQLite's own JSON parser (json_each), reusing one prepared
/// statement across the rows of a listing. Text that is not the expected shape decodes as empty
/// (nullopt) rather than failing the whole listing: these columns are informational.
class JsonColumnDecoder {
  public:
    explicit JsonColumnDecoder(SQLite::Database& sql);
    std::optional<std::vector<std::string>> stringArray(const SQLite::Column& column);
    std::optional<std::map<std::string, std::string>> stringObject(const SQLite::Column& column);

  private:
    SQLite::Statement each_;
};

}  // namespace parawork::store
