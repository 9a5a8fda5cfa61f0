// Reading fields of a JSON request body with the parawork-style answers: a wrong type is a 400
// whose message names the field. Each reader throws BadRequest, which routes turn into 400.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

namespace parawork::api {

class BadRequest : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// The string at `key`; nullopt when absent. Throws BadRequest for another type or a length
/// outside [minLength, maxLength].
std::optional<std::string> optionalString(const boost::json::value& body, const char* key,
                                          std::size_t minLength = 0,
                                          std::size_t maxLength = 1u << 20);
std::string requiredString(const boost::json::value& body, const char* key,
                           std::size_t minLength = 1, std::size_t maxLength = 1u << 20);
/// An integer in [min, max]; nullopt when absent.
std::optional<long long> optionalInteger(const boost::json::value& body, const char* key,
                                         long long min, long long max);
/// A boolean; nullopt when absent.
std::optional<bool> optionalBool(const boost::json::value& body, const char* key);
/// An array of strings (at most `maxItems`); nullopt when absent.
std::optional<std::vector<std::string>> optionalStringArray(const boost::json::value& body,
                                                            const char* key,
                                                            std::size_t maxItems = 4096);
/// An array of TCP port numbers (1-65535, at most `maxItems`, duplicates once); empty when absent.
std::vector<std::uint16_t> optionalPorts(const boost::json::value& body, const char* key,
                                         std::size_t maxItems = 100);
/// An object whose values are strings; nullopt when absent.
std::optional<std::map<std::string, std::string>> optionalStringMap(const boost::json::value& body,
                                                                    const char* key,
                                                                    std::size_t maxItems = 1024);

}  // namespace parawork::api
