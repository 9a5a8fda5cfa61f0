// Who may reach the daemon: the owner token's rotation and login links, device tokens (add, list,
// revoke) — over the unix socket only, so a device can never mint tokens or lock the owner out —
// and the one-time codes that give a preview origin its own credential (POST
// /api/preview-auth, asked by the preview login page with the login cookie).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/router.hpp"
#include "auth/preview_passes.hpp"
#include "auth/token_registry.hpp"
#include "ports/port_service.hpp"

namespace parawork::api {

struct AccessDeps {
    std::shared_ptr<auth::TokenRegistry> tokens;
    std::shared_ptr<auth::PreviewPasses> passes;
    /// Replaces the owner token (its file and the registry) and returns the new one.
    std::function<std::string()> rotateOwnerToken;
    /// Where people reach the UI ("https://host:port"), for login links.
    std::function<std::vector<std::string>()> uiUrls;
    ports::PortService* ports = nullptr;
};

void addAccessRoutes(Router& router, AccessDeps deps);

/// "<url>/?token=<token>" for each UI address.
std::vector<std::string> loginLinks(const std::vector<std::string>& uiUrls,
                                    const std::string& token);

}  // namespace parawork::api
