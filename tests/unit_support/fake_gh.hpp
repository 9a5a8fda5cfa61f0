// A stand-in for the GitHub CLI: a small shell script named `gh` in a directory of its own (put
// it on a PATH) that records every argv it is given, keeps the pull request body it was handed,
// and answers `auth status`, `pr create` and `pr view` as gh does, from files the test sets.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace parawork::test {

class FakeGh {
  public:
    /// Writes `dir`/bin/gh (and keeps its state in `dir`); `dir` must exist.
    explicit FakeGh(const std::filesystem::path& dir);

    /// The directory holding `gh`, for a PATH.
    std::filesystem::path binDir() const { return dir_ / "bin"; }
    /// What `pr create` prints (the new pull request's URL).
    static constexpr const char* kCreatedUrl = "https://github.com/o/r/pull/7";

    /// `gh auth status` succeeds (the default) or fails as when nobody is logged in.
    void setLoggedIn(bool loggedIn) const;
    /// What `pr view` prints; nullopt (the default): "no pull requests found", exit 1.
    void setView(const std::optional<std::string>& json) const;
    /// What `pr view` prints once `pr create` has run (the pull request it made).
    void setViewAfterCreate(const std::optional<std::string>& json) const;
    /// `pr create` fails with this message (exit 1); nullopt: it succeeds.
    void setCreateFailure(const std::optional<std::string>& message) const;

    /// Every argv (without "gh") it was run with, in no particular order.
    std::vector<std::vector<std::string>> calls() const;
    /// The calls whose argv begins with these two words ("pr", "create").
    std::vector<std::vector<std::string>> calls(const std::string& first,
                                                const std::string& second) const;
    /// The content of the last --body-file given to `pr create`.
    std::string lastBody() const;

  private:
    std::filesystem::path dir_;
};

}  // namespace parawork::test
