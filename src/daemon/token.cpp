// Token files are created with O_EXCL and O_NOFOLLOW so that nobody can pre-plant a file or a
// symlink to read the secret, and checked on every load because a copied home may have lost
// its permissions.
#include "daemon/token.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <optional>
#include <string_view>

#include "core/error.hpp"
#include "core/secrets.hpp"
#include "core/unique_fd.hpp"

namespace parawork::daemon {
namespace {

constexpr std::size_t kTokenBytes = 32;      // 256 bits
constexpr std::size_t kMinHexChars = 32;     // 128 bits, the floor of DESIGN §7
constexpr std::size_t kMaxFileBytes = 4096;  // a token file is tiny; refuse anything else

void writeAll(int fd, std::string_view data, const std::string& context) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) core::throwErrno(context);
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

/// Writes a fresh token to a new file (O_EXCL); returns nullopt if the file already exists.
std::optional<std::string> createToken(const std::filesystem::path& file) {
    int raw = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (raw < 0 && errno == EEXIST) return std::nullopt;
    if (raw < 0) core::throwErrno("cannot create token file " + file.string());
    core::UniqueFd fd(raw);
    std::string token = core::randomHex(kTokenBytes);
    std::string context = "cannot write token file " + file.string();
    try {
        if (::fchmod(fd.get(), 0600) != 0) core::throwErrno(context);  // in case of odd umask
        writeAll(fd.get(), token + "\n", context);
        if (::fsync(fd.get()) != 0) core::throwErrno(context);
        if (!fd.close()) core::throwErrno(context);  // a failed close can mean a lost write
    } catch (...) {
        ::unlink(file.c_str());  // a half-written token would fail every later start
        throw;
    }
    return token;
}

std::string modeText(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

void checkTokenFile(const std::filesystem::path& file, const struct stat& st) {
    const std::string name = "token file " + file.string();
    if (!S_ISREG(st.st_mode)) throw core::Error(name + " is not a regular file; remove it");
    if (st.st_uid != ::geteuid())
        throw core::Error(name + " is owned by uid " + std::to_string(st.st_uid) +
                          ", not by you (uid " + std::to_string(::geteuid()) +
                          "); remove it so that a new token is generated");
    if ((st.st_mode & 077) != 0)
        throw core::Error(name + " has mode " + modeText(st.st_mode) +
                          ", so other users may have read the token; remove it so that a new "
                          "token is generated (or run: chmod 600 " +
                          file.string() + ")");
}

std::string readToken(const std::filesystem::path& file) {
    int raw = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (raw < 0 && errno == ELOOP)
        throw core::Error("token file " + file.string() + " is a symlink; remove it");
    if (raw < 0) core::throwErrno("cannot read token file " + file.string());
    core::UniqueFd fd(raw);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) core::throwErrno("cannot inspect " + file.string());
    checkTokenFile(file, st);
    std::string text(kMaxFileBytes + 1, '\0');
    std::size_t used = 0;
    while (used < text.size()) {
        ssize_t n = ::read(fd.get(), text.data() + used, text.size() - used);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) core::throwErrno("cannot read token file " + file.string());
        if (n == 0) break;
        used += static_cast<std::size_t>(n);
    }
    text.resize(used);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.pop_back();
    bool hex = text.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
    if (used > kMaxFileBytes || !hex || text.size() < kMinHexChars)
        throw core::Error("token file " + file.string() + " does not hold a valid token (at " +
                          "least 32 hex characters); remove it so that a new one is generated");
    return text;
}

}  // namespace

std::string loadOrCreateToken(const std::filesystem::path& file) {
    if (auto created = createToken(file)) return *created;
    return readToken(file);
}

std::string rotateToken(const std::filesystem::path& file) {
    std::filesystem::path tmp = file;
    tmp += ".tmp";
    // A leftover from a crash would make O_EXCL fail forever; it holds nothing worth keeping.
    if (::unlink(tmp.c_str()) != 0 && errno != ENOENT)
        core::throwErrno("cannot remove stale " + tmp.string());
    auto token = createToken(tmp);
    if (!token) throw core::Error("cannot create " + tmp.string() + ": it appeared meanwhile");
    if (::rename(tmp.c_str(), file.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        core::throwErrno("cannot replace token file " + file.string(), err);
    }
    return *token;
}

}  // namespace parawork::daemon
