// W8: port detection — from a server's listen() (its own clock reading, just before the call)
// to the daemon's port_opened event arriving on a WebSocket subscriber.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <boost/json.hpp>

#include "api/http_client.hpp"
#include "bench_support.hpp"
#include "support/session_api.hpp"
#include "unit_support/temp_dir.hpp"
#include "workload.hpp"

namespace parawork::bench {
namespace {

// Waits for the file `go`, notes the time in `listened`, then listens on $PORT.
constexpr const char* kListener = R"py(
import os, socket, time
while not os.path.exists("go"):
    time.sleep(0.005)
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(os.environ["PORT"])))
t = time.time()
s.listen()
open("listened", "w").write(repr(t))
time.sleep(60)
)py";

double nowSeconds() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Result run(const RunOptions& options) {
    test::DaemonProcess daemon(test::DaemonProcess::Options{.extraArgs = {"--log-level", "warn"}});
    test::SessionApi api(daemon);
    std::vector<double> latencies;
    int reps = std::max(options.repetitions, options.quick ? 5 : 15);
    for (int i = 0; i < reps; ++i) {
        checkInterrupted();
        test::TempDir dir("pw-w8");
        std::ofstream(dir.path() / "listener.py") << kListener;
        auto ws = api.createWorkspace(dir.path().string());
        auto events = api::WsClient::connect(daemon.unixSocket(), "/");
        events.sendText(R"({"type":"subscribe_workspace","data":{"workspaceId":")" + ws + "\"}}");
        auto session = api.start(ws, {"python3", (dir.path() / "listener.py").string()});
        std::string id(session.at("id").as_string());
        // Let the tracker settle on the new session (its first scans) before the listen().
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        std::ofstream(dir.path() / "go") << "";
        double received = 0;
        auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!received && std::chrono::steady_clock::now() < until) {
            auto text = events.read(std::chrono::milliseconds(500));
            if (!text) continue;
            auto event = boost::json::parse(*text).as_object();
            if (event.at("type").as_string() == "port_opened") received = nowSeconds();
        }
        if (!received) throw std::runtime_error("no port_opened within 10 s");
        std::string listened;
        for (int tries = 0; tries < 100 && listened.empty(); ++tries) {
            std::ifstream(dir.path() / "listened") >> listened;
            if (listened.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        latencies.push_back((received - std::stod(listened)) * 1000);
        api.call("POST", "/api/sessions/" + id + "/stop");
        api.waitEnded(id);
    }
    Result r;
    r.id = "W8";
    r.workload = "port detection: listen() to port_opened";
    r.unit = "ms";
    r.ours = median(latencies);
    r.oursP99 = percentile(latencies, 99);
    r.target = "p50 <= 300 ms";
    r.holds = r.ours <= 300;
    r.note = std::to_string(latencies.size()) + " listens; scan interval 100 ms (sock_diag)";
    return r;
}

Register registration("W8", run);

}  // namespace
}  // namespace parawork::bench
