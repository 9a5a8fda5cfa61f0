// getrandom(2) instead of /dev/urandom: no fd to leak or run out of, works in a chroot.
#include "core/secrets.hpp"

#include <sys/random.h>

#include <cerrno>
#include <vector>

#include "core/error.hpp"

namespace parawork::core {

void fillRandom(std::span<unsigned char> out) {
    std::size_t done = 0;
    while (done < out.size()) {
        // Requests over 256 bytes may return short reads or EINTR; loop until full.
        ssize_t n = ::getrandom(out.data() + done, out.size() - done, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            throwErrno("getrandom");
        }
        done += static_cast<std::size_t>(n);
    }
}

std::string randomHex(std::size_t bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::vector<unsigned char> raw(bytes);
    fillRandom(raw);
    std::string hex;
    hex.reserve(bytes * 2);
    for (unsigned char b : raw) {
        hex.push_back(kDigits[b >> 4]);
        hex.push_back(kDigits[b & 0x0f]);
    }
    return hex;
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
    // Accumulate differences instead of returning at the first one; the loop runs over `a`
    // (the candidate), so its duration tells an attacker nothing about `b`.
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (std::size_t i = 0; i < a.size(); ++i) {
        unsigned char other = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
        diff |= static_cast<unsigned char>(a[i]) ^ other;
    }
    // Read through a volatile so the compiler cannot turn the loop into an early exit.
    volatile unsigned char result = diff;
    return result == 0;
}

}  // namespace parawork::core
