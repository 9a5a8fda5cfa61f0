// libFuzzer target: client frames of the main WebSocket (untrusted JSON from browsers).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/ws_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    parawork::api::WsSubscriptions subs;
    subs.max = 4;
    parawork::api::WsActions actions;
    actions.terminalInput = [](const std::string&, std::string_view) { return true; };
    actions.terminalResize = [](const std::string&, int, int) {};
    parawork::api::handleClientFrame(std::string_view(reinterpret_cast<const char*>(data), size),
                                     subs, actions);
    return 0;
}
