// parawork-hook: the command agents' hooks run (see cli/hook_report.hpp).
#include "cli/hook_report.hpp"

int main(int argc, char** argv) {
    std::filesystem::path socket;
    auto args = parawork::cli::positionalArguments(argc, argv, socket);
    return parawork::cli::reportHook(socket, args);
}
