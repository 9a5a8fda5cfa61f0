// The settings table (config_settings.cpp) and what the parts of the configuration that it
// drives share: config.toml (config_toml.cpp), the environment and the flags. Internal to the
// daemon room; config.hpp is its API.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "daemon/config.hpp"

namespace parawork::daemon::config_table {

using Value = std::variant<std::int64_t, std::string, std::vector<std::string>, bool>;
enum class Kind { Integer, Text, TextList, Boolean };

/// Checks (and may rewrite, e.g. expand "~/") one text value; returns "" when it is fine, else
/// what was expected ("expected one of ...").
using TextCheck = std::string (*)(std::string& value, const GetEnv& env);

struct Setting {
    std::string_view key;  ///< "section.name"
    Kind kind;
    std::string_view doc;
    std::int64_t min = 0, max = 0;  ///< Integer only
    TextCheck check = nullptr;      ///< Text: the value; TextList: each item
    void (*set)(Config&, Value&&) = nullptr;
    std::optional<Value> (*get)(const Config&) = nullptr;  ///< nullopt: unset by default
    std::string_view unsetExample;  ///< shown commented out when get() is nullopt
};

constexpr std::int64_t kMiB = 1 << 20;

/// The table. Keep the order: it is the order of the generated file and of the docs.
const std::vector<Setting>& settings();
/// The setting of a dotted key ("server.port"), or nullptr.
const Setting* findSetting(std::string_view key);
std::string_view sectionOf(std::string_view key);
std::string_view leafOf(std::string_view key);
/// Whether some setting lives in section `name`.
bool isSection(std::string_view name);
/// " (did you mean server.port?)" for a near miss or a setting put in the wrong section.
std::string suggestion(std::string_view unknown);
/// "[server], [logging], ...": every section, in table order.
std::string sectionList();
/// `s` as a TOML/JSON string literal, for error messages.
std::string quote(std::string_view s);
/// "expected ..." for a setting's type and range.
std::string expectation(const Setting& s);
/// Throws core::Error "<where>: <key>: <problem>".
[[noreturn]] void fail(std::string_view where, std::string_view key, std::string_view problem);
/// Range-checks / normalises `value` and stores it. `got` is how the value is shown in errors.
void assign(Config& config, const Setting& s, Value value, const GetEnv& env,
            std::string_view where, const std::string& got);

/// Applies config.toml (config_toml.cpp); a missing file changes nothing.
void applyFile(Config& config, const std::filesystem::path& file, const GetEnv& env);

}  // namespace parawork::daemon::config_table
