// libFuzzer target: the session host's frame decoder and payload decoders (untrusted bytes from
// any client of a host socket).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "host/host_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace parawork::host;
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    FrameReader reader(kMaxRequestPayload);
    reader.append(bytes);
    try {
        while (auto frame = reader.next()) {
            try {
                switch (static_cast<MessageType>(frame->type)) {
                    case MessageType::Hello:
                        decodeHello(frame->payload);
                        break;
                    case MessageType::Resize:
                        decodeResize(frame->payload);
                        break;
                    case MessageType::Signal:
                        decodeSignal(frame->payload);
                        break;
                    case MessageType::SnapshotReply:
                        decodeSnapshotReply(frame->payload);
                        break;
                    case MessageType::ScreenTextReply: {
                        // What decodes re-encodes to the same message (no field is lost).
                        ScreenText text = decodeScreenText(frame->payload);
                        if (decodeScreenText(encodeScreenText(text)) != text) __builtin_trap();
                        break;
                    }
                    case MessageType::StatusReply:
                        decodeStatus(frame->payload);
                        break;
                    case MessageType::Exited:
                        decodeExitRecord(frame->payload);
                        break;
                    default:
                        break;
                }
            } catch (const ProtocolError&) {
            }
        }
    } catch (const ProtocolError&) {
    }
    return 0;
}
