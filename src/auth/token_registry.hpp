// The credentials that open the daemon over TCP: the owner's token (the one in the token file)
// and named device tokens, so a lost phone is revoked on its own without rotating the owner's.
// Read on the event loop for every request, changed by workers: a shared_mutex inside.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/principal.hpp"
#include "store/database.hpp"

namespace parawork::auth {

struct DeviceToken {
    std::string id;
    std::string name;
    std::int64_t createdAt = 0;  ///< ms since the epoch
    std::optional<std::int64_t> lastUsedAt;
};

class TokenRegistry {
  public:
    /// `db` may be null: then there are no device tokens and addDevice throws core::Error.
    TokenRegistry(std::string ownerToken, store::Database* db);

    /// Who `candidate` authenticates, or nullopt. The owner token is compared with
    /// core::constantTimeEquals (core/secrets.hpp); device tokens by the SHA-256 of the candidate
    /// looked up in memory (loaded at construction; never store raw device tokens). Records the
    /// device's last use in memory only (this runs on the event loop: no database write here).
    std::optional<Principal> authenticate(std::string_view candidate) const;

    /// The principal with this id if it is still valid ("owner" always; a device until revoked).
    std::optional<Principal> principal(std::string_view id) const;

    /// After `parawork token rotate`: the old owner token stops working at once.
    void setOwnerToken(std::string token);
    std::string ownerToken() const;

    struct IssuedDevice {
        DeviceToken info;
        std::string token;
    };
    /// A new device token (returned once, never stored raw): "pwd_" + core::randomHex(32).
    /// Names: 1-64 of [A-Za-z0-9._-], not starting with '-' or '.', unique (core::Error with a
    /// clear message otherwise). id: core::randomHex(8).
    IssuedDevice addDevice(std::string_view name);

    /// Every device token, created order, with last use (the newer of stored and in-memory).
    std::vector<DeviceToken> devices() const;

    /// Revokes by exact name or id (a name is matched first); false when none matches. Takes
    /// effect at once.
    bool revokeDevice(std::string_view nameOrId);

    /// Writes in-memory last-use times to the database (the daemon calls it from a worker now
    /// and then and at shutdown).
    void flushUsage();

    /// hmacSha256Hex(ownerToken, "parawork preview pass v1"): signs preview passes, so rotating
    /// the owner token ends every pass.
    std::string signingKey() const;

  private:
    struct Device {
        DeviceToken info;
        std::string tokenSha256;
    };
    const Device* findByName(std::string_view name) const;  // callers hold mutex_
    const Device* findById(std::string_view id) const;      // callers hold mutex_
    std::optional<std::int64_t> pendingUse(const std::string& id) const;

    store::Database* db_;
    /// Serialises the writers (add, revoke, flush) so that each one's database write and
    /// memory update go together, without holding mutex_ (which the event loop waits on)
    /// across a database write.
    std::mutex writeMutex_;
    mutable std::shared_mutex mutex_;
    std::string ownerToken_;
    std::string signingKey_;
    std::vector<Device> devices_;  // by createdAt, then id (as the database lists them)
    std::unordered_map<std::string, std::string> idByDigest_;  // token SHA-256 -> device id
    /// Uses seen by authenticate() since the last flush, device id -> ms since the epoch.
    /// Its own mutex: authenticate() holds mutex_ only shared.
    mutable std::mutex usageMutex_;
    mutable std::unordered_map<std::string, std::int64_t> pendingUse_;
};

}  // namespace parawork::auth
