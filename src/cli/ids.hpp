// How a person names things on the command line: a full id, a unique prefix of one, or a name
// (DESIGN §6.3). Plain code over plain lists; the commands fetch the lists from the daemon.
#pragma once

#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace parawork::cli {

class DaemonClient;

struct Candidate {
    std::string id;
    std::string name;
    bool active = false;  ///< a running session (wins a tie between equal names)
};

/// Picks the one candidate `arg` names: an exact id; else an exact name (when several share
/// it, the only active one); else the only id starting with `arg`. Throws CliError `not_found`
/// or `ambiguous` (listing the candidates); `what` is "session", "workspace", "repository".
const Candidate& resolveCandidate(const std::vector<Candidate>& candidates, const std::string& arg,
                                  const std::string& what);

/// The session `arg` names, among every session the daemon knows (GET /api/sessions?all=1).
boost::json::object resolveSession(DaemonClient& client, const std::string& arg);
/// The workspace `arg` names (GET /api/workspaces).
boost::json::object resolveWorkspace(DaemonClient& client, const std::string& arg);
/// The same among the archived workspaces (issue 20).
boost::json::object resolveArchivedWorkspace(DaemonClient& client, const std::string& arg);
/// The repository `arg` names (GET /api/repositories).
boost::json::object resolveRepository(DaemonClient& client, const std::string& arg);

/// A string field of an entity ("" when absent or not a string).
std::string field(const boost::json::object& object, const char* name);

}  // namespace parawork::cli
