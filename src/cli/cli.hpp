// The command line: a table of verbs (STYLE §18), each a small handler beside its printer.
#pragma once

namespace parawork::cli {

/// Parses argv, runs the verb and returns the process exit code.
int run(int argc, char** argv);

}  // namespace parawork::cli
