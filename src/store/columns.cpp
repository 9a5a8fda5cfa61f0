#include "store/columns.hpp"

#include <cstdio>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>

namespace parawork::store {
namespace {

/// Appends `text` as a JSON string literal (RFC 8259 §7). Only '"', '\\' and control characters
/// need escaping; everything else, UTF-8 included, is copied as it is.
void appendJsonString(std::string& out, std::string_view text) {
    out.push_back('"');
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (byte < 0x20) {
                    char escaped[8];
                    std::snprintf(escaped, sizeof escaped, "\\u%04x", byte);
                    out += escaped;
                } else {
                    out.push_back(c);
                }
        }
    }
    out.push_back('"');
}

}  // namespace

std::int64_t countRowsOfSession(SQLite::Database& sql, std::string_view table,
                                const std::string& sessionId) {
    SQLite::Statement query(sql,
                            "SELECT count(*) FROM " + std::string(table) + " WHERE session_id = ?");
    query.bind(1, sessionId);
    query.executeStep();
    return query.getColumn(0).getInt64();
}

std::optional<std::string> optionalString(const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    return column.getString();
}

std::optional<int> optionalInt(const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    return column.getInt();
}

std::optional<std::int64_t> optionalInt64(const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    return column.getInt64();
}

std::optional<double> optionalDouble(const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    return column.getDouble();
}

std::string encodeJsonStringArray(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out.push_back(',');
        appendJsonString(out, items[i]);
    }
    out.push_back(']');
    return out;
}

std::string encodeJsonStringObject(const std::map<std::string, std::string>& items) {
    std::string out = "{";
    bool first = true;
    for (const auto& [key, value] : items) {
        if (!first) out.push_back(',');
        first = false;
        appendJsonString(out, key);
        out.push_back(':');
        appendJsonString(out, value);
    }
    out.push_back('}');
    return out;
}

// json_each yields one row per element of the top-level array or object: `key` is the index
// (integer) or the member name (text), `type` the JSON type of the element.
JsonColumnDecoder::JsonColumnDecoder(SQLite::Database& sql)
    : each_(sql, "SELECT key, value, type FROM json_each(?)") {}

std::optional<std::vector<std::string>> JsonColumnDecoder::stringArray(
    const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    each_.tryReset();  // noexcept: a failed earlier step must not throw here
    each_.bind(1, column.getString());
    std::vector<std::string> items;
    try {
        while (each_.executeStep()) {
            if (!each_.getColumn(0).isInteger() || each_.getColumn(2).getString() != "text")
                return std::nullopt;
            items.push_back(each_.getColumn(1).getString());
        }
    } catch (const SQLite::Exception&) {
        return std::nullopt;  // malformed JSON
    }
    return items;
}

std::optional<std::map<std::string, std::string>> JsonColumnDecoder::stringObject(
    const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    each_.tryReset();
    each_.bind(1, column.getString());
    std::map<std::string, std::string> items;
    try {
        while (each_.executeStep()) {
            if (!each_.getColumn(0).isText() || each_.getColumn(2).getString() != "text")
                return std::nullopt;
            items[each_.getColumn(0).getString()] = each_.getColumn(1).getString();
        }
    } catch (const SQLite::Exception&) {
        return std::nullopt;
    }
    return items;
}

}  // namespace parawork::store
