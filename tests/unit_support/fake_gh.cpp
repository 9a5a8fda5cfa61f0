#include "unit_support/fake_gh.hpp"

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace parawork::test {
namespace {

namespace fs = std::filesystem;

/// State files live beside bin/: logged-out, view.json, view-after-create.json, create-fails,
/// body, calls/<one per run>.
constexpr const char* kScript = R"sh(#!/bin/sh
state="$(dirname "$0")/.."
call=$(mktemp "$state/calls/XXXXXXXX") || exit 99
printf '%s\0' "$@" > "$call"
case "$1 $2" in
"auth status")
  if [ -e "$state/logged-out" ]; then
    echo "You are not logged into any GitHub hosts. To log in, run: gh auth login" >&2
    exit 1
  fi
  echo "github.com: Logged in to github.com account test" >&2
  exit 0 ;;
"pr create")
  for a in "$@"; do
    case "$a" in --body-file=*) cat -- "${a#--body-file=}" > "$state/body" ;; esac
  done
  if [ -e "$state/create-fails" ]; then cat "$state/create-fails" >&2; exit 1; fi
  if [ -e "$state/view-after-create.json" ]; then
    mv "$state/view-after-create.json" "$state/view.json"
  fi
  echo "Creating pull request for branch into main in o/r" >&2
  echo "https://github.com/o/r/pull/7"
  exit 0 ;;
"pr view")
  if [ -e "$state/view.json" ]; then cat "$state/view.json"; exit 0; fi
  echo "no pull requests found for branch \"$6\"" >&2
  exit 1 ;;
esac
echo "unknown command \"$1\" for \"gh\"" >&2
exit 1
)sh";

void writeText(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

std::string readText(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void setOrRemove(const fs::path& path, const std::optional<std::string>& text) {
    if (text) {
        writeText(path, *text);
    } else {
        std::error_code ec;
        fs::remove(path, ec);
    }
}

}  // namespace

FakeGh::FakeGh(const fs::path& dir) : dir_(dir) {
    fs::create_directories(dir_ / "bin");
    fs::create_directories(dir_ / "calls");
    writeText(dir_ / "bin" / "gh", kScript);
    if (::chmod((dir_ / "bin" / "gh").c_str(), 0755) != 0)
        throw std::runtime_error("cannot make the stand-in gh executable");
}

void FakeGh::setLoggedIn(bool loggedIn) const {
    setOrRemove(dir_ / "logged-out", loggedIn ? std::nullopt : std::optional<std::string>(""));
}

void FakeGh::setView(const std::optional<std::string>& json) const {
    setOrRemove(dir_ / "view.json", json);
}

void FakeGh::setViewAfterCreate(const std::optional<std::string>& json) const {
    setOrRemove(dir_ / "view-after-create.json", json);
}

void FakeGh::setCreateFailure(const std::optional<std::string>& message) const {
    setOrRemove(dir_ / "create-fails", message);
}

std::vector<std::vector<std::string>> FakeGh::calls() const {
    std::vector<std::vector<std::string>> all;
    for (const auto& entry : fs::directory_iterator(dir_ / "calls")) {
        std::string record = readText(entry.path());
        std::vector<std::string> argv;
        std::size_t start = 0;
        for (std::size_t end; (end = record.find('\0', start)) != std::string::npos;
             start = end + 1)
            argv.push_back(record.substr(start, end - start));
        all.push_back(std::move(argv));
    }
    return all;
}

std::vector<std::vector<std::string>> FakeGh::calls(const std::string& first,
                                                    const std::string& second) const {
    std::vector<std::vector<std::string>> matching;
    for (auto& argv : calls())
        if (argv.size() >= 2 && argv[0] == first && argv[1] == second)
            matching.push_back(std::move(argv));
    return matching;
}

std::string FakeGh::lastBody() const {
    return readText(dir_ / "body");
}

}  // namespace parawork::test
