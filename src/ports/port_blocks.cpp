// Port blocks per workspace (see the header).
#include "ports/port_blocks.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace parawork::ports {

void validate(const PortBlockConfig& config) {
    if (config.size == 0) throw core::Error("port blocks: the block size must be at least 1");
    if (config.first == 0) throw core::Error("port blocks: the first port must be at least 1");
    if (config.first > config.last || config.last - config.first + 1 < config.size)
        throw core::Error("port blocks: the range " + std::to_string(config.first) + "-" +
                          std::to_string(config.last) + " cannot hold a block of " +
                          std::to_string(config.size) + " ports");
}

std::vector<std::pair<std::string, std::string>> portBlockEnvironment(const PortBlock& block) {
    return {{"PORT", std::to_string(block.first)},
            {"PARAWORK_PORTS", std::to_string(block.first) + "-" + std::to_string(block.last())}};
}

PortBlocks::PortBlocks(PortBlockConfig config) : config_(config) {
    validate(config_);
}

void PortBlocks::restore(const std::string& workspaceId, PortBlock block) {
    if (block.size == 0 || block.first == 0 || block.first + block.size - 1 > 65535)
        throw core::Error("port blocks: invalid block for workspace " + workspaceId);
    blocks_[workspaceId] = block;
}

PortBlock PortBlocks::assign(const std::string& workspaceId,
                             const std::set<std::uint16_t>& listeningPorts) {
    if (const PortBlock* existing = find(workspaceId)) return *existing;
    for (unsigned first = config_.first; first + config_.size - 1 <= config_.last;
         first += config_.size) {
        PortBlock candidate{static_cast<std::uint16_t>(first), config_.size};
        if (!isFree(candidate, listeningPorts)) continue;
        blocks_[workspaceId] = candidate;
        return candidate;
    }
    throw core::Error("port blocks: no free block of " + std::to_string(config_.size) +
                      " ports left in " + std::to_string(config_.first) + "-" +
                      std::to_string(config_.last));
}

void PortBlocks::release(const std::string& workspaceId) {
    blocks_.erase(workspaceId);
}

const PortBlock* PortBlocks::find(const std::string& workspaceId) const {
    auto found = blocks_.find(workspaceId);
    return found == blocks_.end() ? nullptr : &found->second;
}

bool PortBlocks::isFree(const PortBlock& candidate,
                        const std::set<std::uint16_t>& listeningPorts) const {
    bool taken = std::any_of(blocks_.begin(), blocks_.end(),
                             [&](const auto& entry) { return entry.second.overlaps(candidate); });
    if (taken) return false;
    auto busy = listeningPorts.lower_bound(candidate.first);
    return busy == listeningPorts.end() || *busy > candidate.last();
}

}  // namespace parawork::ports
