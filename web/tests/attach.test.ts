// The attach stream client: snapshot then stream, offsets across reconnects, exit, flow control.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AttachClient, type AttachState, type ExitInfo, type TerminalSink } from "../src/lib/attach";
import { fakeSockets, manualSchedule } from "./fake_socket";

class RecordingSink implements TerminalSink {
  written = "";
  resets = 0;
  /** When true, writes stay "unrendered" until flush(). */
  hold = false;
  private waiting: (() => void)[] = [];
  write(data: Uint8Array, done: () => void): void {
    this.written += new TextDecoder().decode(data);
    if (this.hold) this.waiting.push(done);
    else done();
  }
  reset(): void {
    this.resets++;
    this.written = "";
  }
  flush(): void {
    for (const done of this.waiting.splice(0)) done();
  }
}

function setup(flow = { highWater: 100, lowWater: 10 }) {
  const net = fakeSockets();
  const timers = manualSchedule();
  const sink = new RecordingSink();
  const states: AttachState[] = [];
  const exits: ExitInfo[] = [];
  const client = new AttachClient(
    "ws://x/api/sessions/s1/attach",
    sink,
    { state: (s) => states.push(s), exit: (e) => exits.push(e) },
    net.factory,
    timers.schedule,
    flow,
  );
  client.start();
  return { net, timers, sink, states, exits, client };
}

test("snapshot, then the screen, then live output advancing the offset", () => {
  const { net, sink, client, states } = setup();
  const s = net.last();
  assert.equal(s.url, "ws://x/api/sessions/s1/attach");
  assert.equal(s.binaryType, "arraybuffer");
  s.open();
  s.text({ type: "snapshot", offset: 1000, cols: 80, rows: 24 });
  s.binary("SCREEN");
  assert.equal(sink.resets, 1);
  assert.equal(client.position(), 1000); // the screen is not part of the log
  s.binary("hello");
  assert.equal(sink.written, "SCREENhello");
  assert.equal(client.position(), 1005);
  assert.deepEqual(states, ["connecting", "live"]);
});

test("input goes out as binary, resize as JSON, and the size is resent on reconnect", () => {
  const { net, timers, client } = setup();
  client.resize(100, 30); // before open: remembered
  net.last().open();
  client.input("ls\r");
  assert.deepEqual(net.last().sentJson(), [{ type: "resize", cols: 100, rows: 30 }]);
  const bin = net.last().sent.find((x) => typeof x !== "string") as Uint8Array;
  assert.equal(new TextDecoder().decode(bin), "ls\r");
  net.last().text({ type: "snapshot", offset: 0, cols: 100, rows: 30 });
  net.last().binary("");
  net.last().drop();
  timers.runAll();
  net.last().open();
  assert.deepEqual(net.last().sentJson(), [{ type: "resize", cols: 100, rows: 30 }]);
});

test("a dropped connection resumes from the offset reached, without clearing the screen", () => {
  const { net, timers, sink, states } = setup();
  net.last().open();
  net.last().text({ type: "snapshot", offset: 50, cols: 80, rows: 24 });
  net.last().binary("S");
  net.last().binary("abc");
  net.last().drop(1001); // daemon restart
  assert.equal(states.at(-1), "reconnecting");
  timers.runAll();
  assert.equal(net.last().url, "ws://x/api/sessions/s1/attach?offset=53");
  net.last().open();
  net.last().binary("def");
  assert.equal(sink.written, "Sabcdef");
  assert.equal(sink.resets, 1);
});

test("truncated moves the offset to what the daemon still has", () => {
  const { net, client } = setup();
  net.last().open();
  net.last().text({ type: "snapshot", offset: 10, cols: 80, rows: 24 });
  net.last().binary("");
  net.last().text({ type: "truncated", from: 10, to: 500 });
  net.last().binary("xy");
  assert.equal(client.position(), 502);
});

test("exit is reported once and there is no reconnect after it", () => {
  const { net, timers, exits, states } = setup();
  net.last().open();
  net.last().binary("whole log of a finished session");
  net.last().text({ type: "exit", endOffset: 31, exitCode: 0, signal: null, exitReason: "exited" });
  net.last().drop(1000);
  assert.deepEqual(exits, [{ endOffset: 31, exitCode: 0, signal: null, exitReason: "exited" }]);
  assert.equal(states.at(-1), "ended");
  assert.equal(timers.pending(), 0);
});

test("a session without a screen replays from its start: the terminal is reset first", () => {
  const { net, sink } = setup();
  net.last().open();
  net.last().binary("replayed");
  assert.equal(sink.resets, 1);
  assert.equal(sink.written, "replayed");
});

test("flow control: a flood past the high-water mark closes the stream, then resumes from a fresh snapshot", () => {
  const { net, sink, states } = setup({ highWater: 100, lowWater: 10 });
  sink.hold = true;
  const first = net.last();
  first.open();
  first.text({ type: "snapshot", offset: 0, cols: 80, rows: 24 });
  first.binary("");
  for (let i = 0; i < 11; ++i) first.binary("x".repeat(10));
  assert.equal(states.at(-1), "catching-up");
  assert.equal(first.closedWith, 1000);
  assert.equal(net.sockets.length, 1); // nothing new until the terminal has caught up
  first.drop(1000); // the close completing must not schedule a resume-from-offset
  sink.flush();
  assert.equal(net.sockets.length, 2);
  assert.equal(net.last().url, "ws://x/api/sessions/s1/attach"); // a snapshot, not ?offset=
  net.last().open();
  net.last().text({ type: "snapshot", offset: 5000, cols: 80, rows: 24 });
  sink.hold = false;
  net.last().binary("NOW");
  assert.equal(sink.written, "NOW");
});

test("dispose closes the socket and stops reconnecting", () => {
  const { net, timers, client } = setup();
  net.last().open();
  client.dispose();
  assert.equal(net.last().closedWith, 1000);
  net.last().drop();
  assert.equal(timers.pending(), 0);
});
