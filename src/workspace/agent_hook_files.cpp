#include "workspace/agent_hook_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <optional>

#include "core/error.hpp"
#include "core/hook_install.hpp"
#include "core/unique_fd.hpp"

namespace parawork::workspace {
namespace {

namespace fs = std::filesystem;

/// A settings file is a few kilobytes; a bigger one was not written by us and is rewritten.
constexpr std::uintmax_t kSettingsLimit = 64 * 1024;

std::optional<std::string> currentContent(const fs::path& file) {
    std::error_code ec;
    auto size = fs::file_size(file, ec);
    if (ec || size > kSettingsLimit) return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(in), {});
}

/// Writes a sibling and renames it over `file`: an agent starting meanwhile reads the old
/// settings or the new, never half of one.
void replaceFile(const fs::path& file, const std::string& content) {
    auto tmp = file;
    tmp += ".tmp";
    core::UniqueFd fd(
        ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd) core::throwErrno("cannot write " + tmp.string());
    // O_CREAT keeps the mode of a file that was there already.
    if (::fchmod(fd.get(), 0600) != 0) core::throwErrno("cannot chmod " + tmp.string());
    std::size_t done = 0;
    while (done < content.size()) {
        auto n = ::write(fd.get(), content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) core::throwErrno("cannot write " + tmp.string());
        done += static_cast<std::size_t>(n);
    }
    if (::rename(tmp.c_str(), file.c_str()) != 0) core::throwErrno("cannot write " + file.string());
}

}  // namespace

AgentHookFiles::AgentHookFiles(std::vector<std::string> hookCommand, fs::path directory)
    : hookCommand_(std::move(hookCommand)), directory_(std::move(directory)) {}

fs::path AgentHookFiles::settingsFile(const std::string& agent) const {
    return directory_ / (agent + ".json");
}

void AgentHookFiles::install(const core::AgentProfile& profile, core::AgentLaunch& launch) {
    if (hookCommand_.empty() || profile.hooks.args.empty()) return;
    core::HookInstall where{hookCommand_, ""};
    if (!profile.hooks.settingsTemplate.empty()) {
        // The profile's name is checked (agentNameProblem): a file name, never a path.
        where.settingsPath = settingsFile(profile.name).string();
        writeWhenChanged(where.settingsPath, core::hookSettings(profile.hooks, hookCommand_));
    }
    core::addHookArgs(launch, profile.hooks, where);
}

void AgentHookFiles::writeWhenChanged(const fs::path& file, const std::string& content) {
    std::lock_guard lock(mutex_);
    if (currentContent(file) == content) return;
    std::error_code ec;
    if (fs::create_directories(directory_, ec))
        fs::permissions(directory_, fs::perms::owner_all, ec);
    if (ec) throw core::Error("cannot create " + directory_.string() + ": " + ec.message());
    replaceFile(file, content);
}

}  // namespace parawork::workspace
