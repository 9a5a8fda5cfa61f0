// Port blocks: each workspace gets its own run of consecutive ports, exported to its sessions as
// PORT (the first) and PARAWORK_PORTS ("first-last"), so the same dev server started in five
// worktrees doesn't collide.
//
// Defaults: blocks of 10 from 20000 up to 32767. Common dev-server ports (3000, 5173, 8000, 8080)
// sit below 20000, and Linux hands out ephemeral ports from 32768 (ip_local_port_range), so
// blocks are neither taken by default configurations nor by outgoing connections: 1276 blocks.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace parawork::ports {

/// Where blocks are carved from. Blocks start at first + k*size and end at or below last.
struct PortBlockConfig {
    std::uint16_t first = 20000;
    std::uint16_t last = 32767;
    std::uint16_t size = 10;
};

/// Throws core::Error when `config` cannot hold one block (size 0, first above last, first 0).
void validate(const PortBlockConfig& config);

/// A run of `size` consecutive ports starting at `first`.
struct PortBlock {
    std::uint16_t first = 0;
    std::uint16_t size = 0;

    std::uint16_t last() const { return static_cast<std::uint16_t>(first + size - 1); }
    bool contains(std::uint16_t port) const { return port >= first && port <= last(); }
    bool overlaps(const PortBlock& other) const {
        return first <= other.last() && other.first <= last();
    }
    bool operator==(const PortBlock&) const = default;
};

/// The environment a session of a workspace with `block` gets: PORT=<first>,
/// PARAWORK_PORTS=<first>-<last>.
std::vector<std::pair<std::string, std::string>> portBlockEnvironment(const PortBlock& block);

/// The blocks of all workspaces. Plain data: the caller loads the persisted blocks with
/// restore(), asks for a workspace's block with assign(), and persists what assign() returns.
class PortBlocks {
  public:
    explicit PortBlocks(PortBlockConfig config = {});

    /// Records a block allocated earlier (loaded from the store), even if it lies outside the
    /// current configuration: a workspace keeps its ports when the defaults change.
    void restore(const std::string& workspaceId, PortBlock block);

    /// The workspace's block: the one it has, else the lowest free block that overlaps no other
    /// workspace's block and holds none of `listeningPorts` (ports in use right now). Throws
    /// core::Error when every block is taken.
    PortBlock assign(const std::string& workspaceId, const std::set<std::uint16_t>& listeningPorts);

    /// Frees the workspace's block (the workspace was deleted).
    void release(const std::string& workspaceId);

    /// The workspace's block, if it has one.
    const PortBlock* find(const std::string& workspaceId) const;

    const std::map<std::string, PortBlock>& blocks() const { return blocks_; }

  private:
    bool isFree(const PortBlock& candidate, const std::set<std::uint16_t>& listeningPorts) const;

    PortBlockConfig config_;
    std::map<std::string, PortBlock> blocks_;
};

}  // namespace parawork::ports
