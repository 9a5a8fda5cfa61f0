// The main WebSocket client: frames, subscriptions across reconnects, backoff.
import assert from "node:assert/strict";
import { test } from "node:test";
import { EventClient, parseEvent, type ConnectionState } from "../src/lib/events";
import type { ServerEvent } from "../src/lib/types";
import { fakeSockets, manualSchedule } from "./fake_socket";

function setup() {
  const net = fakeSockets();
  const timers = manualSchedule();
  const events: ServerEvent[] = [];
  const states: ConnectionState[] = [];
  const client = new EventClient(
    "ws://x/ws",
    { event: (e) => events.push(e), state: (s) => states.push(s) },
    net.factory,
    timers.schedule,
  );
  return { net, timers, events, states, client };
}

test("parseEvent accepts {type, data} and refuses everything else", () => {
  assert.deepEqual(parseEvent('{"type":"a","data":{"x":1}}'), { type: "a", data: { x: 1 } });
  assert.deepEqual(parseEvent('{"type":"a"}'), { type: "a", data: {} });
  assert.equal(parseEvent("not json"), null);
  assert.equal(parseEvent('{"data":{}}'), null);
  assert.equal(parseEvent("[1,2]"), null);
  assert.equal(parseEvent(new ArrayBuffer(2)), null);
});

test("subscriptions made before the socket opens are sent on open", () => {
  const { net, client, states } = setup();
  client.start();
  client.subscribe("w1");
  client.subscribe("w2");
  client.subscribe("w1");
  assert.deepEqual(net.last().sent, []);
  net.last().open();
  assert.deepEqual(net.last().sentJson(), [
    { type: "subscribe_workspace", data: { workspaceId: "w1" } },
    { type: "subscribe_workspace", data: { workspaceId: "w2" } },
  ]);
  assert.deepEqual(states, ["connecting", "open"]);
});

test("events reach the listener; bad frames are ignored", () => {
  const { net, client, events } = setup();
  client.start();
  net.last().open();
  net.last().text({ type: "session_completed", data: { workspaceId: "w", success: true } });
  net.last().text("garbage");
  assert.equal(events.length, 1);
  assert.equal(events[0]!.type, "session_completed");
});

test("after the daemon goes away it reconnects, with growing delays, and resubscribes", () => {
  const { net, timers, client, states } = setup();
  client.start();
  client.subscribe("w1");
  net.last().open();
  net.last().drop();
  assert.equal(states.at(-1), "closed");
  assert.equal(timers.pending(), 1);
  timers.runAll();
  assert.equal(net.sockets.length, 2);
  net.last().drop(); // the daemon is still down
  timers.runAll();
  net.last().drop();
  assert.ok(timers.delays().length === 1);
  const d = timers.delays()[0]!;
  assert.ok(d > 250 && d <= 5000, `delay ${d}`);
  timers.runAll();
  net.last().open();
  assert.deepEqual(net.last().sentJson(), [
    { type: "subscribe_workspace", data: { workspaceId: "w1" } },
  ]);
  assert.equal(states.at(-1), "open");
});

test("unsubscribe is sent once and forgotten for later reconnects", () => {
  const { net, timers, client } = setup();
  client.start();
  net.last().open();
  client.subscribe("w1");
  client.unsubscribe("w1");
  client.unsubscribe("w1");
  assert.deepEqual(net.last().sentJson(), [
    { type: "subscribe_workspace", data: { workspaceId: "w1" } },
    { type: "unsubscribe_workspace", data: { workspaceId: "w1" } },
  ]);
  net.last().drop();
  timers.runAll();
  net.last().open();
  assert.deepEqual(net.last().sent, []);
});

test("send while disconnected reports false; stop() does not reconnect", () => {
  const { net, timers, client } = setup();
  client.start();
  assert.equal(client.send("focus_workspace", { workspaceId: "w" }), false);
  net.last().open();
  assert.equal(client.send("focus_workspace", { workspaceId: "w" }), true);
  client.stop();
  assert.equal(net.last().closedWith, 1000);
  net.last().drop(1000);
  assert.equal(timers.pending(), 0);
});
