#include "auth/token_registry.hpp"

#include <algorithm>
#include <tuple>
#include <utility>

#include <SQLiteCpp/Exception.h>

#include "auth/digest.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/secrets.hpp"
#include "store/device_tokens.hpp"

namespace parawork::auth {
namespace {

constexpr std::string_view kOwnerId = "owner";
constexpr std::string_view kDevicePrefix = "device:";
constexpr std::string_view kDeviceTokenPrefix = "pwd_";
constexpr std::size_t kMaxNameLength = 64;

Principal ownerPrincipal() {
    return {std::string(kOwnerId), std::string(kOwnerId)};
}

Principal devicePrincipal(const DeviceToken& device) {
    return {std::string(kDevicePrefix) + device.id, device.name};
}

std::string signingKeyFor(std::string_view ownerToken) {
    return hmacSha256Hex(ownerToken, "parawork preview pass v1");
}

/// Names show up in listings and in `parawork token revoke <name>` on a shell: keep them to
/// characters that need no quoting and cannot be mistaken for an option or a path.
void checkDeviceName(std::string_view name) {
    if (name.empty()) throw core::Error("a device token needs a name");
    if (name.size() > kMaxNameLength)
        throw core::Error("device token name is longer than " + std::to_string(kMaxNameLength) +
                          " characters");
    bool allowed = std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
    });
    if (!allowed)
        throw core::Error("device token name '" + std::string(name) +
                          "' may contain only letters, digits, '.', '_' and '-'");
    if (name.front() == '-' || name.front() == '.')
        throw core::Error("device token name '" + std::string(name) +
                          "' must not start with '-' or '.'");
}

std::optional<std::int64_t> newer(std::optional<std::int64_t> a, std::optional<std::int64_t> b) {
    if (!a) return b;
    if (!b) return a;
    return std::max(*a, *b);
}

}  // namespace

TokenRegistry::TokenRegistry(std::string ownerToken, store::Database* db)
    : db_(db), ownerToken_(std::move(ownerToken)), signingKey_(signingKeyFor(ownerToken_)) {
    if (!db_) return;
    for (store::DeviceTokenRow& row : store::listDeviceTokens(*db_)) {
        idByDigest_.emplace(row.tokenSha256, row.id);
        devices_.push_back(
            {{row.id, row.name, row.createdAt, row.lastUsedAt}, std::move(row.tokenSha256)});
    }
}

std::optional<Principal> TokenRegistry::authenticate(std::string_view candidate) const {
    if (candidate.empty()) return std::nullopt;
    std::string deviceId;
    std::optional<Principal> who;
    {
        std::shared_lock lock(mutex_);
        if (core::constantTimeEquals(candidate, ownerToken_)) return ownerPrincipal();
        auto found = idByDigest_.find(sha256Hex(candidate));
        if (found == idByDigest_.end()) return std::nullopt;
        const Device* device = findById(found->second);
        if (!device) return std::nullopt;
        deviceId = device->info.id;
        who = devicePrincipal(device->info);
    }
    std::int64_t now = core::nowMs();
    std::lock_guard usage(usageMutex_);
    auto& lastUse = pendingUse_[deviceId];
    lastUse = std::max(lastUse, now);
    return who;
}

std::optional<Principal> TokenRegistry::principal(std::string_view id) const {
    if (id == kOwnerId) return ownerPrincipal();
    if (!id.starts_with(kDevicePrefix)) return std::nullopt;
    std::shared_lock lock(mutex_);
    const Device* device = findById(id.substr(kDevicePrefix.size()));
    if (!device) return std::nullopt;
    return devicePrincipal(device->info);
}

void TokenRegistry::setOwnerToken(std::string token) {
    std::string key = signingKeyFor(token);
    std::unique_lock lock(mutex_);
    ownerToken_ = std::move(token);
    signingKey_ = std::move(key);
}

std::string TokenRegistry::ownerToken() const {
    std::shared_lock lock(mutex_);
    return ownerToken_;
}

std::string TokenRegistry::signingKey() const {
    std::shared_lock lock(mutex_);
    return signingKey_;
}

TokenRegistry::IssuedDevice TokenRegistry::addDevice(std::string_view name) {
    checkDeviceName(name);
    if (!db_) throw core::Error("device tokens need the daemon's database");
    std::lock_guard writer(writeMutex_);
    {
        std::shared_lock lock(mutex_);
        if (findByName(name))
            throw core::Error("a device token named '" + std::string(name) +
                              "' exists; revoke it first");
    }
    IssuedDevice issued{{core::randomHex(8), std::string(name), core::nowMs(), std::nullopt},
                        std::string(kDeviceTokenPrefix) + core::randomHex(32)};
    Device device{issued.info, sha256Hex(issued.token)};
    try {
        store::insertDeviceToken(*db_, {device.info.id, device.info.name, device.tokenSha256,
                                        device.info.createdAt, std::nullopt});
    } catch (const SQLite::Exception& e) {
        // Only another process writing the same database gets here (writers are serialised).
        throw core::Error("could not save device token '" + std::string(name) + "': " + e.what());
    }
    std::unique_lock lock(mutex_);
    idByDigest_.emplace(device.tokenSha256, device.info.id);
    // The database's order (created_at, id), so that a reload lists the same way.
    auto position = std::upper_bound(
        devices_.begin(), devices_.end(), device, [](const Device& a, const Device& b) {
            return std::tie(a.info.createdAt, a.info.id) < std::tie(b.info.createdAt, b.info.id);
        });
    devices_.insert(position, std::move(device));
    return issued;
}

std::vector<DeviceToken> TokenRegistry::devices() const {
    std::vector<DeviceToken> list;
    {
        std::shared_lock lock(mutex_);
        for (const Device& device : devices_) list.push_back(device.info);
    }
    for (DeviceToken& device : list)
        device.lastUsedAt = newer(device.lastUsedAt, pendingUse(device.id));
    return list;
}

bool TokenRegistry::revokeDevice(std::string_view nameOrId) {
    if (!db_) return false;
    std::lock_guard writer(writeMutex_);
    std::string id;
    {
        std::shared_lock lock(mutex_);
        const Device* device = findByName(nameOrId);
        if (!device) device = findById(nameOrId);
        if (!device) return false;
        id = device->info.id;
    }
    store::deleteDeviceToken(*db_, id);
    {
        std::unique_lock lock(mutex_);
        auto device = std::find_if(devices_.begin(), devices_.end(),
                                   [&](const Device& d) { return d.info.id == id; });
        idByDigest_.erase(device->tokenSha256);
        devices_.erase(device);
    }
    std::lock_guard usage(usageMutex_);
    pendingUse_.erase(id);
    return true;
}

void TokenRegistry::flushUsage() {
    if (!db_) return;
    std::lock_guard writer(writeMutex_);
    std::unordered_map<std::string, std::int64_t> uses;
    {
        std::lock_guard usage(usageMutex_);
        uses = pendingUse_;
    }
    for (const auto& [id, at] : uses) store::recordDeviceTokenUse(*db_, id, at);
    {
        // Forget only what was written: a use recorded meanwhile waits for the next flush.
        std::lock_guard usage(usageMutex_);
        for (const auto& [id, at] : uses) {
            auto pending = pendingUse_.find(id);
            if (pending != pendingUse_.end() && pending->second <= at) pendingUse_.erase(pending);
        }
    }
    std::unique_lock lock(mutex_);
    for (Device& device : devices_) {
        auto use = uses.find(device.info.id);
        if (use != uses.end()) device.info.lastUsedAt = newer(device.info.lastUsedAt, use->second);
    }
}

const TokenRegistry::Device* TokenRegistry::findByName(std::string_view name) const {
    for (const Device& device : devices_)
        if (device.info.name == name) return &device;
    return nullptr;
}

const TokenRegistry::Device* TokenRegistry::findById(std::string_view id) const {
    for (const Device& device : devices_)
        if (device.info.id == id) return &device;
    return nullptr;
}

std::optional<std::int64_t> TokenRegistry::pendingUse(const std::string& id) const {
    std::lock_guard usage(usageMutex_);
    auto use = pendingUse_.find(id);
    if (use == pendingUse_.end()) return std::nullopt;
    return use->second;
}

}  // namespace parawork::auth
