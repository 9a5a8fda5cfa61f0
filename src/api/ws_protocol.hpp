// The main WebSocket's client events (parawork-protocol §6.4): plain parsing and validation of
// each frame, the per-connection subscription set, and the JSON of server events. The socket
// itself lives in ws_connection.cpp.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

namespace parawork::api {

/// The workspaces a connection listens to, bounded. Reference-counted (never below zero): the
/// original frontend subscribes one workspace from two places and unsubscribes one of them when
/// a panel closes, which with the original's plain set silenced the agent's terminal (protocol
/// §14.4). The cap counts distinct workspaces.
struct WsSubscriptions {
    std::map<std::string, int> workspaceIds;  ///< id → how many times subscribed
    std::size_t max = 50;
    /// A terminal resize seen in a frame: the connection may replay that terminal's screen.
    struct Resized {
        std::string id;
        bool userTerminal = false;
    };
    /// Filled by handleClientFrame; the connection takes them.
    std::vector<Resized> resized;
};

/// What the rooms that own sessions and terminals do with client events. An unset function
/// means "no such live process" and answers the protocol's failure message.
struct WsActions {
    std::function<bool(const std::string& sessionId, std::string_view data)> terminalInput;
    std::function<void(const std::string& sessionId, int cols, int rows)> terminalResize;
    std::function<bool(const std::string& terminalId, std::string_view data)> userTerminalInput;
    std::function<void(const std::string& terminalId, int cols, int rows)> userTerminalResize;
};

/// Handles one client frame. Returns the `error` event to send back to this client, if any.
std::optional<std::string> handleClientFrame(std::string_view frame, WsSubscriptions& subs,
                                             const WsActions& actions);

/// `{"type":type,"data":data}` serialized.
std::string eventJson(std::string_view type, boost::json::object data);

}  // namespace parawork::api
