// A libFuzzer target's inputs, each run once, in a build without sanitizers or libFuzzer:
// fuzz_screen's inputs replayed under valgrind find the faults inside libvterm that ASan cannot
// see (libvterm is Debian's library, not built with ASan: a read past one of its arrays showed
// only as a SEGV now and then, depending on the heap's layout).
//   replay_fuzz_screen FILE|DIRECTORY...   (a directory: each file in it, in name order)
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

int replay(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "cannot read %s\n", file.c_str());
        return 1;
    }
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    int failures = 0;
    int count = 0;
    for (int i = 1; i < argc; ++i) {
        std::filesystem::path arg = argv[i];
        std::vector<std::filesystem::path> files;
        if (std::filesystem::is_directory(arg)) {
            for (const auto& entry : std::filesystem::directory_iterator(arg))
                if (entry.is_regular_file()) files.push_back(entry.path());
            std::sort(files.begin(), files.end());
        } else {
            files.push_back(arg);
        }
        for (const auto& file : files) {
            failures += replay(file);
            ++count;
        }
    }
    std::fprintf(stderr, "replayed %d inputs\n", count);
    return failures == 0 && count > 0 ? 0 : 1;
}
