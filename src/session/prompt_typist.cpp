#include "session/prompt_typist.hpp"

#include <chrono>
#include <cstdint>

#include "session/session_service.hpp"

namespace parawork::session {
namespace {

/// Waits for the program's first output and then for ~600 ms of quiet (its first screen drawn),
/// at most 30 s in all, then types `text` and Enter. Gives up when the session ends.
void typeWhenSettled(SessionService& service, const std::string& id, const std::string& text,
                     const std::stop_token& stop) {
    using Clock = std::chrono::steady_clock;
    const auto giveUpAt = Clock::now() + std::chrono::seconds(30);
    std::uint64_t seen = 0;
    auto quietSince = Clock::now();
    while (!stop.stop_requested() && Clock::now() < giveUpAt) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        auto state = service.outputState(id);
        if (!state || state->ended) return;
        if (state->endOffset != seen) {
            seen = state->endOffset;
            quietSince = Clock::now();
        } else if (seen > 0 && Clock::now() - quietSince >= std::chrono::milliseconds(600)) {
            break;
        }
    }
    if (stop.stop_requested()) return;
    service.input(id, text);
    // Enter on its own: a TUI that reads the text as one paste still submits it.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    service.input(id, "\r");
}

constexpr std::string_view kPasteStart = "\x1b[200~";
constexpr std::string_view kPasteEnd = "\x1b[201~";

}  // namespace

std::string typedText(std::string_view text, bool bracketedPaste) {
    if (!bracketedPaste) return std::string(text);
    std::string typed(kPasteStart);
    typed.reserve(text.size() + kPasteStart.size() + kPasteEnd.size());
    for (std::size_t i = 0; i < text.size();) {
        std::string_view rest = text.substr(i);
        if (rest.starts_with(kPasteStart) || rest.starts_with(kPasteEnd)) {
            i += kPasteStart.size();  // both markers are as long
            continue;
        }
        typed += text[i++];
    }
    typed += kPasteEnd;
    return typed;
}

void PromptTypists::type(SessionService& service, const std::string& id, const std::string& text) {
    std::lock_guard lock(mutex_);
    typists_.remove_if([](const Typist& t) { return t.done->load(); });
    auto done = std::make_shared<std::atomic<bool>>(false);
    typists_.push_back({done, std::jthread([&service, id, text, done](std::stop_token stop) {
                            typeWhenSettled(service, id, text, stop);
                            *done = true;
                        })});
}

void PromptTypists::stopAll() {
    std::lock_guard lock(mutex_);
    typists_.clear();  // jthreads: asked to stop, then joined
}

}  // namespace parawork::session
