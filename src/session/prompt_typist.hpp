// Prompts for agents that take one only interactively (StartRequest::typedInput): a thread per
// prompt waits for the program's first screen to settle, then types the text and Enter.
#pragma once

#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace parawork::session {

/// `text` as typed into a program: inside the bracketed-paste markers (ESC [200~ … ESC [201~)
/// when the program turned bracketed paste on, so that its newlines stay part of one message
/// instead of submitting each line; any markers inside `text` are dropped so that it cannot end
/// the paste early. Unchanged otherwise.
std::string typedText(std::string_view text, bool bracketedPaste);

class SessionService;

class PromptTypists {
  public:
    /// Types `text` into session `id` of `service` once its output has settled, on a thread of
    /// its own; gives up when the session ends. Finished threads are joined here.
    void type(SessionService& service, const std::string& id, const std::string& text);
    /// Asks every typist to stop and joins it.
    void stopAll();

  private:
    struct Typist {
        std::shared_ptr<std::atomic<bool>> done;
        std::jthread thread;
    };
    std::mutex mutex_;
    std::list<Typist> typists_;
};

}  // namespace parawork::session
