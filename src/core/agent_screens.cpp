// The built-in agents' waiting screens. Each string is text the agent draws (found in a recording
// under tests/agents/corpus, or in the agent's own strings where we cannot reproduce the screen
// here: marked "unverified"), chosen to be stable across versions: labels and questions, never
// box drawing, key glyphs or values like paths and counters. A screen drawn with cursor moves
// between the words still matches: patterns run on the screen model's text, not on the bytes.
#include "core/agent_screens.hpp"

namespace parawork::core {
namespace {

using W = WaitingFor;

// Claude Code 2.1.197 (tests/agents/corpus/claude-code).
std::vector<ScreenPattern> claudeCodeScreens() {
    return {
        // Recorded.
        {{"Quick safety check", "Yes, I trust this folder"},
         W::Permission,
         "asks whether to trust this folder"},
        {{"Detected a custom API key", "Do you want to use this API key?"},
         W::Login,
         "asks whether to use the API key from the environment"},
        {{"Not logged in", "/login"}, W::Login, "not logged in: run /login"},
        {{"Unable to connect to API", "Retrying in"}, W::Error, "cannot reach its API (retrying)"},
        {{"Unable to connect to Anthropic services"},
         W::Error,
         "cannot reach Anthropic's services"},
        // Unverified: strings of the same build, screens we cannot reach without an account.
        {{"Do you want to proceed?", "1. Yes", "No, and tell Claude what to do differently"},
         W::Permission,
         "asks for permission"},
        {{"Do you want to make this edit to", "1. Yes"}, W::Permission, "asks to edit a file"},
        {{"Do you want to create", "1. Yes"}, W::Permission, "asks to create a file"},
        {{"Do you want to allow Claude to fetch this content?"},
         W::Permission,
         "asks to fetch a web page"},
        {{"ready to execute", "Would you like to proceed?"},
         W::Question,
         "asks to approve its plan"},
        {{"Enter to select", "to navigate", "Esc to cancel"}, W::Question, "asks a question"},
        {{"Choose the text style that looks best with your terminal"},
         W::Input,
         "first run: choose a text style"},
        {{"Select login method"}, W::Login, "asks how to log in"},
        {{"Invalid API key"}, W::Login, "invalid API key: run /login"},
        {{"You've hit your", "limit"}, W::Error, "usage limit reached"},
        {{"usage limit reached"}, W::Error, "usage limit reached"},
        {{"Credit balance is too low"}, W::Error, "credit balance too low"},
    };
}

// Codex CLI 0.171.0 (tests/agents/corpus/codex).
std::vector<ScreenPattern> codexScreens() {
    return {
        // Recorded.
        {{"Sign in with ChatGPT", "Press enter to continue"}, W::Login, "asks how to sign in"},
        {{"Sign in another way", "Use an OpenAI API key"}, W::Login, "asks how to sign in"},
        {{"Paste or type your API key", "Press enter to save"}, W::Login, "asks for an API key"},
        // Unverified: strings of the same build.
        {{"Would you like to run the following command?"}, W::Permission, "wants to run a command"},
        {{"Would you like to make the following edits?"}, W::Permission, "wants to edit files"},
        {{"hit your usage limit"}, W::Error, "usage limit reached"},
        {{"Reconnecting...", "waiting for network"}, W::Error, "cannot reach its API"},
    };
}

// Gemini CLI 0.61.0 (tests/agents/corpus/gemini).
std::vector<ScreenPattern> geminiScreens() {
    return {
        // Recorded.
        {{"Do you trust the files in this folder?", "Trust folder"},
         W::Permission,
         "asks whether to trust this folder"},
        {{"How would you like to authenticate for this project?"}, W::Login, "asks how to log in"},
        {{"Enter Gemini API Key", "Please enter your Gemini API key"},
         W::Login,
         "asks for an API key"},
        // Unverified: strings of the same bundle.
        {{"Waiting for authentication"}, W::Login, "waits for its login in a browser"},
        {{"Allow execution of", "Allow once"}, W::Permission, "wants to run a command"},
        {{"Apply this change?", "Allow once"}, W::Permission, "wants to edit a file"},
        {{"Usage limit reached for"}, W::Error, "usage limit reached"},
    };
}

// OpenCode 1.18.33 (tests/agents/corpus/opencode). It needs no login to start: its own free
// model is the default.
std::vector<ScreenPattern> opencodeScreens() {
    return {
        // Recorded.
        {{"Cannot connect to API", "retrying"}, W::Error, "cannot reach its API (retrying)"},
    };
}

}  // namespace

const std::vector<ScreenPattern>& builtinAgentScreens(std::string_view agentName) {
    static const std::vector<ScreenPattern> claude = claudeCodeScreens(), codex = codexScreens(),
                                            gemini = geminiScreens(), opencode = opencodeScreens(),
                                            none;
    if (agentName == "claude-code") return claude;
    if (agentName == "codex") return codex;
    if (agentName == "gemini") return gemini;
    if (agentName == "opencode") return opencode;
    return none;
}

}  // namespace parawork::core
