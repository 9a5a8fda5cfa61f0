// The exit record: JSON by hand, a flat-object parser, and the atomic file write.
#include "host/exit_record.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>

#include "core/error.hpp"
#include "core/unique_fd.hpp"
#include "host/fd_io.hpp"

namespace parawork::host {
namespace {

std::string jsonNumberOrNull(const std::optional<int>& value) {
    return value ? std::to_string(*value) : "null";
}

/// A cursor over a flat JSON object: {"key": number | null | "string", ...}.
class FlatJsonReader {
  public:
    explicit FlatJsonReader(std::string_view text) : text_(text) {}

    void skipSpace() {
        while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    }
    bool consume(char c) {
        skipSpace();
        if (pos_ < text_.size() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    bool atEnd() {
        skipSpace();
        return pos_ == text_.size();
    }
    /// A string without escapes beyond \" and \\ (all this format needs).
    std::optional<std::string> string() {
        if (!consume('"')) return {};
        std::string out;
        while (pos_ < text_.size()) {
            char c = text_[pos_++];
            if (c == '"') return out;
            if (c == '\\') {
                if (pos_ == text_.size()) return {};
                c = text_[pos_++];
            }
            out += c;
        }
        return {};
    }
    /// A value: an integer (into `number`), a string (into `text`), or null (neither set).
    bool value(std::optional<std::int64_t>& number, std::optional<std::string>& text) {
        skipSpace();
        if (text_.substr(pos_).starts_with("null")) {
            pos_ += 4;
            return true;
        }
        if (pos_ < text_.size() && text_[pos_] == '"') return (text = string()).has_value();
        std::int64_t n = 0;
        auto [end, ec] = std::from_chars(text_.data() + pos_, text_.data() + text_.size(), n);
        if (ec != std::errc()) return false;
        pos_ = static_cast<std::size_t>(end - text_.data());
        number = n;
        return true;
    }

  private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

std::optional<int> asInt(const std::optional<std::int64_t>& n) {
    if (!n) return {};
    return static_cast<int>(*n);
}

}  // namespace

std::string_view toString(ExitReason reason) {
    switch (reason) {
        case ExitReason::Exited:
            return "exited";
        case ExitReason::Signaled:
            return "signaled";
        case ExitReason::ExecFailed:
            return "exec-failed";
    }
    return "exited";
}

std::optional<ExitReason> parseExitReason(std::string_view text) {
    if (text == "exited") return ExitReason::Exited;
    if (text == "signaled") return ExitReason::Signaled;
    if (text == "exec-failed") return ExitReason::ExecFailed;
    return {};
}

ExitRecord exitRecordFromWaitStatus(int waitStatus, bool execFailed, std::int64_t startedAtMs,
                                    std::int64_t exitedAtMs) {
    ExitRecord record;
    record.startedAtMs = startedAtMs;
    record.exitedAtMs = exitedAtMs;
    if (WIFSIGNALED(waitStatus)) {
        record.signal = WTERMSIG(waitStatus);
        record.reason = ExitReason::Signaled;
    } else {
        record.exitCode = WEXITSTATUS(waitStatus);
        record.reason = execFailed ? ExitReason::ExecFailed : ExitReason::Exited;
    }
    return record;
}

std::string toJson(const ExitRecord& record) {
    return "{\"exitCode\":" + jsonNumberOrNull(record.exitCode) +
           ",\"signal\":" + jsonNumberOrNull(record.signal) +
           ",\"startedAt\":" + std::to_string(record.startedAtMs) +
           ",\"exitedAt\":" + std::to_string(record.exitedAtMs) + ",\"reason\":\"" +
           std::string(toString(record.reason)) + "\"}";
}

std::optional<ExitRecord> parseExitRecord(std::string_view json) {
    FlatJsonReader in(json);
    if (!in.consume('{')) return {};
    ExitRecord record;
    bool haveStart = false, haveExit = false, haveReason = false;
    bool first = true;
    while (!in.consume('}')) {
        if (!first && !in.consume(',')) return {};
        first = false;
        auto key = in.string();
        if (!key || !in.consume(':')) return {};
        std::optional<std::int64_t> number;
        std::optional<std::string> text;
        if (!in.value(number, text)) return {};
        if (*key == "exitCode") {
            record.exitCode = asInt(number);
        } else if (*key == "signal") {
            record.signal = asInt(number);
        } else if (*key == "startedAt" && number) {
            record.startedAtMs = *number;
            haveStart = true;
        } else if (*key == "exitedAt" && number) {
            record.exitedAtMs = *number;
            haveExit = true;
        } else if (*key == "reason" && text) {
            auto reason = parseExitReason(*text);
            if (!reason) return {};
            record.reason = *reason;
            haveReason = true;
        }
    }
    if (!in.atEnd() || !haveStart || !haveExit || !haveReason) return {};
    return record;
}

void writeExitRecordFile(const std::filesystem::path& file, const ExitRecord& record) {
    std::filesystem::path tmp = file;
    tmp += ".tmp";
    {
        core::UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
        if (!fd) core::throwErrno("cannot create " + tmp.string());
        writeAll(fd.get(), toJson(record) + "\n", "cannot write " + tmp.string());
        if (::fsync(fd.get()) < 0) core::throwErrno("fsync " + tmp.string());
    }
    if (::rename(tmp.c_str(), file.c_str()) < 0) core::throwErrno("rename to " + file.string());
    // The rename is durable only once the directory entry is on disk.
    core::UniqueFd dir(::open(file.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir || ::fsync(dir.get()) < 0) core::throwErrno("fsync " + file.parent_path().string());
}

std::optional<ExitRecord> readExitRecordFile(const std::filesystem::path& file) {
    core::UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) return {};
        core::throwErrno("cannot open " + file.string());
    }
    return parseExitRecord(readUpTo(fd.get(), 64 * 1024, "cannot read " + file.string()));
}

}  // namespace parawork::host
