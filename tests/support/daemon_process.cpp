#include "support/daemon_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "core/error.hpp"
#include "support/leftover_hosts.hpp"

extern char** environ;

namespace parawork::test {
namespace {

std::vector<std::string> mergedEnv(const std::map<std::string, std::string>& extra) {
    std::map<std::string, std::string> env;
    for (char** e = environ; *e; ++e) {
        std::string kv(*e);
        auto eq = kv.find('=');
        if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    // Tests never inherit the developer's own daemon.
    env.erase("PARAWORK_HOME");
    for (const auto& [k, v] : extra) env[k] = v;
    std::vector<std::string> out;
    for (const auto& [k, v] : env) out.push_back(k + "=" + v);
    return out;
}

std::vector<char*> cstrings(std::vector<std::string>& v) {
    std::vector<char*> out;
    for (auto& s : v) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

std::string readAll(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

pid_t spawnWith(const std::vector<std::string>& argvIn,
                const std::map<std::string, std::string>& envIn, int outFd, int errFd) {
    std::vector<std::string> argv = argvIn;
    auto env = mergedEnv(envIn);
    auto argvC = cstrings(argv);
    auto envC = cstrings(env);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, outFd, 1);
    posix_spawn_file_actions_adddup2(&actions, errFd, 2);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, argvC[0], &actions, nullptr, argvC.data(), envC.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) core::throwErrno("posix_spawn " + argv[0], rc);
    return pid;
}

int decodeStatus(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

}  // namespace

std::string parawork() {
    return PARAWORK_BIN;
}

std::optional<int> waitForExit(pid_t pid, std::chrono::milliseconds timeout) {
    auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) return decodeStatus(status);
        if (r < 0) return std::nullopt;
        if (std::chrono::steady_clock::now() > until) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

pid_t spawnProcess(const std::vector<std::string>& argv,
                   const std::map<std::string, std::string>& env,
                   const std::filesystem::path& outputFile) {
    int fd = ::open(outputFile.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) core::throwErrno("open " + outputFile.string());
    pid_t pid = spawnWith(argv, env, fd, fd);
    ::close(fd);
    return pid;
}

ProcessResult runProcess(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env,
                         std::chrono::seconds timeout) {
    TempDir dir("pw-run");
    auto outPath = dir.path() / "out", errPath = dir.path() / "err";
    int outFd = ::open(outPath.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    int errFd = ::open(errPath.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (outFd < 0 || errFd < 0) core::throwErrno("open output files");
    pid_t pid = spawnWith(argv, env, outFd, errFd);
    ::close(outFd);
    ::close(errFd);
    ProcessResult result;
    auto code = waitForExit(pid, timeout);
    if (!code) {
        ::kill(pid, SIGKILL);
        code = waitForExit(pid, std::chrono::seconds(5));
    }
    result.exitCode = code.value_or(-1);
    result.out = readAll(outPath);
    result.err = readAll(errPath);
    return result;
}

DaemonProcess::DaemonProcess() : DaemonProcess(Options{}) {}

DaemonProcess::DaemonProcess(Options options) {
    start(std::move(options));
}

void DaemonProcess::start(Options options) {
    if (options.home) {
        home_ = *options.home;
    } else {
        ownedHome_.emplace("pw-home");
        home_ = ownedHome_->path();
    }
    if (!options.configToml.empty()) {
        std::filesystem::create_directories(home_ / "config");
        std::ofstream(home_ / "config" / "config.toml") << options.configToml;
    }
    std::vector<std::string> argv{parawork(), "--home", home_.string(), "serve"};
    if (options.port) {
        argv.emplace_back("--port");
        argv.push_back(std::to_string(*options.port));
    }
    argv.insert(argv.end(), options.extraArgs.begin(), options.extraArgs.end());
    // daemon.out is appended to across restarts: only look at what this daemon prints.
    std::error_code ec;
    auto skip = std::filesystem::file_size(home_ / "daemon.out", ec);
    if (ec) skip = 0;
    // Tests keep their repositories and workspaces in TempDirs under /tmp, outside the home
    // directory that is the file APIs' default root.
    options.env.try_emplace("PARAWORK_FILES_ALLOWED_ROOTS", "/tmp");
    // Test daemons run side by side (ctest -j): each test process gets its own range of port
    // blocks, so two daemons never hand the same PORT to their sessions at once.
    int first = 20000 + (::getpid() % 60) * 200;  // 60 ranges that never overlap
    options.env.try_emplace("PARAWORK_PORTS_FIRST", std::to_string(first));
    options.env.try_emplace("PARAWORK_PORTS_LAST", std::to_string(first + 199));
    // Login shells (user terminals) read ~/.profile: keep the machine's own rc files, with
    // whatever they do (pyenv rehash locks, prompts), out of the tests.
    options.env.try_emplace("HOME", home_.string());
    pid_ = spawnProcess(argv, options.env, home_ / "daemon.out");
    // Should this process die before the destructor runs, the reaper ends what it started.
    reaper_.emplace(pid_, home_, ownedHome_.has_value());

    static const std::regex listening(R"(listening on https?://\S+:(\d+))");
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (;;) {
        std::smatch m;
        std::string out = output().substr(skip);
        if (std::regex_search(out, m, listening)) {
            port_ = static_cast<std::uint16_t>(std::stoi(m[1]));
            break;
        }
        if (auto code = waitForExit(pid_, std::chrono::milliseconds(0))) {
            pid_ = -1;
            throw core::Error("daemon exited with " + std::to_string(*code) + ":\n" + out);
        }
        if (std::chrono::steady_clock::now() > until) {
            kill9();  // no destructor runs for a constructor that throws
            throw core::Error("daemon did not start within 20 s:\n" + out);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::ifstream tokenFile(home_ / "data" / "token");
    std::getline(tokenFile, token_);
}

DaemonProcess::~DaemonProcess() {
    if (pid_ > 0) stop();
    // Sessions outlive their daemon by design; a test's own home is deleted now, so whatever it
    // left running there is ended rather than leaked.
    if (ownedHome_) endHostsUnderAndWait(home_, std::chrono::seconds(10));
}

api::Endpoint DaemonProcess::tcp() const {
    api::Endpoint e;
    e.port = port_;
    return e;
}

api::Endpoint DaemonProcess::unixSocket() const {
    api::Endpoint e;
    e.unixSocket = socketPath();
    return e;
}

std::string DaemonProcess::hostHeader() const {
    return "127.0.0.1:" + std::to_string(port_);
}

std::string DaemonProcess::output() const {
    return readAll(home_ / "daemon.out");
}

int DaemonProcess::stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    auto code = waitForExit(pid_, std::chrono::seconds(15));
    if (!code) {
        ::kill(pid_, SIGKILL);
        code = waitForExit(pid_, std::chrono::seconds(5));
    }
    pid_ = -1;
    return code.value_or(-1);
}

void DaemonProcess::kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    waitForExit(pid_, std::chrono::seconds(5));
    pid_ = -1;
}

ProcessResult runCli(const std::filesystem::path& home, const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env,
                     const std::filesystem::path& cwd) {
    std::vector<std::string> argv;
    if (!cwd.empty()) argv = {"/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", cwd.string()};
    argv.insert(argv.end(), {parawork(), "--home", home.string()});
    argv.insert(argv.end(), args.begin(), args.end());
    std::map<std::string, std::string> full = env;
    full.try_emplace("NO_COLOR", "1");
    return runProcess(argv, full);
}

std::string describe(const ProcessResult& result) {
    return "exit " + std::to_string(result.exitCode) + "\nstdout: " + result.out.substr(0, 2000) +
           "\nstderr: " + result.err.substr(0, 2000);
}

}  // namespace parawork::test
