// The one `parawork` binary: `serve` runs the daemon, every other verb is a client of it.
#include "cli/cli.hpp"

int main(int argc, char** argv) {
    return parawork::cli::run(argc, argv);
}
