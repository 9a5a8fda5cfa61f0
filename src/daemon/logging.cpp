#include "daemon/logging.hpp"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace parawork::daemon {

void setupLogging(const std::filesystem::path& logFile, const std::string& level) {
    auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    auto file =
        std::make_shared<spdlog::sinks::rotating_file_sink_mt>(logFile.string(), 5u << 20, 3);
    auto logger =
        std::make_shared<spdlog::logger>("parawork", spdlog::sinks_init_list{console, file});
    logger->set_level(spdlog::level::from_str(level));
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(logger);
    spdlog::flush_every(std::chrono::seconds(2));
}

}  // namespace parawork::daemon
