// The browser tests' harness, shared by every test here (and reusable by any test that needs a
// real daemon and a real browser): a private daemon like tests/support/daemon_process.cpp (a
// temporary PARAWORK_HOME, port 0, the port read from its "listening on" line and the token from
// <home>/data/token), temporary directories and git repositories, a network namespace standing
// in for another machine, an echoing stand-in for an agent, and Debian's Chromium driven by
// playwright-core (in the namespace when asked).
//
// Environment (set by ctest, see tests/CMakeLists.txt):
//   PARAWORK_BIN            the parawork binary (parawork-host is found beside it)
//   PARAWORK_ARTIFACTS_DIR  where screenshots go (default: a temp directory)
//   PARAWORK_CHROMIUM       the browser (default /usr/bin/chromium)
import { spawn, spawnSync } from "node:child_process";
import { request } from "node:http";
import { createConnection, createServer } from "node:net";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const PARAWORK_BIN = process.env.PARAWORK_BIN ?? "";
export const CHROMIUM = process.env.PARAWORK_CHROMIUM ?? "/usr/bin/chromium";
const IP = "/usr/sbin/ip";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A directory under /tmp, removed by the returned remove(). */
export function tempDir(prefix) {
  const path = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

function run(argv, cwd) {
  const r = spawnSync(argv[0], argv.slice(1), { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${argv.join(" ")} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** A git repository with one commit on `main`, at `path` (created). */
export function gitRepo(path) {
  mkdirSync(path, { recursive: true });
  run(["git", "init", "-q", "-b", "main", path]);
  run(["git", "-C", path, "config", "user.email", "test@example.com"]);
  run(["git", "-C", path, "config", "user.name", "Test"]);
  writeFileSync(join(path, "README.md"), "# test repository\n");
  run(["git", "-C", path, "add", "README.md"]);
  run(["git", "-C", path, "commit", "-q", "-m", "initial"]);
  return path;
}

/**
 * A private daemon. Options: `configToml` (written to <home>/config/config.toml), `env`
 * (added), `home` (reuse one, e.g. to restart), `port` (default 0: any free port), `args` (more
 * `serve` arguments, e.g. `--listen` and `--tls-cert`).
 */
export class Daemon {
  constructor(options = {}) {
    if (!PARAWORK_BIN) throw new Error("set PARAWORK_BIN to the parawork binary");
    this.ownedHome = options.home ? null : tempDir("pw-browser-home");
    this.home = options.home ?? this.ownedHome.path;
    this.options = options;
    this.child = null;
    this.port = 0;
    this.url = ""; // where it listens, as it printed it: http://127.0.0.1:<port> by default
    this.token = "";
    if (options.configToml) {
      mkdirSync(join(this.home, "config"), { recursive: true });
      writeFileSync(join(this.home, "config", "config.toml"), options.configToml);
    }
  }

  /** The login link: the one `parawork serve` prints (it logs the browser in). */
  get loginUrl() {
    return `${this.url}/?token=${this.token}`;
  }

  /** The unix socket, where the API needs no token. */
  get socketPath() {
    return join(this.home, "run", "parawork.sock");
  }

  get output() {
    try {
      return readFileSync(join(this.home, "daemon.out"), "utf8");
    } catch {
      return "";
    }
  }

  /** Starts it (on `port`, default the previous port or 0) and waits until it listens. */
  async start(port = this.options.port ?? 0) {
    const outPath = join(this.home, "daemon.out");
    let skip = 0;
    try {
      skip = statSync(outPath).size;
    } catch {
      // first start
    }
    const out = openSync(outPath, "a");
    const serve = ["--home", this.home, "serve", "--port", String(port), ...(this.options.args ?? [])];
    this.child = spawn(PARAWORK_BIN, serve, {
      stdio: ["ignore", out, out],
      env: {
        ...process.env,
        // Repositories and workspaces live in temp dirs under /tmp (the file APIs' roots).
        PARAWORK_FILES_ALLOWED_ROOTS: "/tmp",
        // Login shells read ~/.profile: keep the machine's rc files out of the tests.
        HOME: this.home,
        SHELL: "/bin/sh",
        ...(this.options.env ?? {}),
      },
    });
    const exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
    const deadline = Date.now() + 20000;
    for (;;) {
      const m = /listening on (https?:\/\/\S+:(\d+))/.exec(this.output.slice(skip));
      if (m) {
        this.url = m[1];
        this.port = Number(m[2]);
        break;
      }
      const code = await Promise.race([exited, sleep(20).then(() => undefined)]);
      if (code !== undefined) throw new Error(`daemon exited with ${code}:\n${this.output.slice(skip)}`);
      if (Date.now() > deadline) throw new Error(`daemon did not start in 20 s:\n${this.output.slice(skip)}`);
    }
    this.token = readFileSync(join(this.home, "data", "token"), "utf8").trim();
    return this;
  }

  /** SIGTERM, then SIGKILL after 15 s; resolves with the exit code. */
  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null) return child?.exitCode ?? null;
    this.child = null;
    const done = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15000);
    const code = await done;
    clearTimeout(timer);
    return code;
  }

  /** Stops and starts again (on a new port: see Forwarder). */
  async restart() {
    await this.stop();
    return this.start(0);
  }

  /**
   * Calls the daemon's API (for setting things up and checking them) over its unix socket, as
   * the CLI does: the same path wherever and however the daemon listens on TCP.
   */
  async api(method, path, body) {
    const payload = body ? JSON.stringify(body) : undefined;
    const headers = payload ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) } : {};
    const { status, text } = await new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, method, path, headers }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode, text }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(payload);
    });
    const json = JSON.parse(text);
    if (!json.success) throw new Error(`${method} ${path}: ${status} ${json.error}`);
    return json.data;
  }

  /** Sessions outlive the daemon by design: end them, so a test leaves no process behind. */
  async stopAllSessions() {
    if (!this.child) return;
    const sessions = await this.api("GET", "/api/sessions").catch(() => []);
    await Promise.all(sessions.map((s) => this.api("POST", `/api/sessions/${s.id}/stop`).catch(() => undefined)));
    await eventually("every session to end", async () => {
      const left = await this.api("GET", "/api/sessions").catch(() => []);
      return left.length === 0;
    }).catch(() => undefined);
  }

  async dispose() {
    await this.stopAllSessions();
    await this.stop();
    this.ownedHome?.remove();
  }
}

/**
 * A TCP forwarder on a port of its own to whatever port the daemon has now: the browser's origin
 * stays the same while the daemon restarts on another port. (A restart on the same port fails
 * while sessions run: the session hosts inherit the daemon's listening socket — reported.) The
 * daemon must accept the forwarder's Host: start it with `daemonEnv()` in its environment.
 */
export class Forwarder {
  constructor() {
    this.target = 0;
    this.sockets = new Set();
    this.server = createServer((client) => {
      const upstream = createConnection({ host: "127.0.0.1", port: this.target });
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }

  async listen() {
    await new Promise((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = this.server.address().port;
    return this;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  daemonEnv() {
    return { PARAWORK_SERVER_ALLOWED_HOSTS: `127.0.0.1:${this.port}` };
  }

  /** Points at a (re)started daemon; open connections to the old one are cut. */
  forwardTo(daemon) {
    this.target = daemon.port;
    for (const s of this.sockets) s.destroy();
  }

  close() {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(resolve));
  }
}

/**
 * Debian's Chromium, headless. Running as root needs --no-sandbox. Options: `netns` (run it in
 * that network namespace: a browser on another machine), `args` (more command-line arguments).
 */
export async function launchBrowser({ netns, args = [] } = {}) {
  const wrapper = netns ? tempDir("pw-chromium-netns") : null;
  let executablePath = CHROMIUM;
  if (wrapper) {
    executablePath = join(wrapper.path, "chromium");
    writeFileSync(executablePath, `#!/bin/sh\nexec ${IP} netns exec '${netns}' '${CHROMIUM}' "$@"\n`);
    chmodSync(executablePath, 0o755);
  }
  try {
    const browser = await chromium.launch({
      executablePath,
      args: ["--no-sandbox", "--disable-dev-shm-usage", ...args],
    });
    if (wrapper) browser.on("disconnected", wrapper.remove);
    return browser;
  } catch (e) {
    wrapper?.remove();
    throw e;
  }
}

let namespacesMade = 0;

/**
 * A network namespace joined to this one by a veth pair, standing in for another machine on the
 * same network: this side is `hostAddress`, the namespace's side `peerAddress` (a /30 of
 * 10.214.0.0/16, by pid, apart from the C++ tests' 10.213). Needs CAP_NET_ADMIN: create() throws
 * saying why otherwise. remove() deletes it (the veth pair first).
 */
export class NetworkNamespace {
  static create() {
    namespacesMade += 1;
    const suffix = `b${process.pid}${namespacesMade > 1 ? `x${namespacesMade}` : ""}`;
    const slot = (process.pid * 4 + namespacesMade) % 16384;
    const address = (last) => `10.214.${Math.floor((slot * 4 + last) / 256)}.${(slot * 4 + last) % 256}`;
    const ns = new NetworkNamespace(`pw${suffix}`, `pwh${suffix}`, address(1), address(2));
    const inside = `pwn${suffix}`; // interface names: at most 15 characters
    const steps = [
      ["netns", "add", ns.name],
      ["link", "add", ns.outside, "type", "veth", "peer", "name", inside],
      ["link", "set", inside, "netns", ns.name],
      ["addr", "add", `${ns.hostAddress}/30`, "dev", ns.outside],
      ["link", "set", ns.outside, "up"],
      ["-n", ns.name, "addr", "add", `${ns.peerAddress}/30`, "dev", inside],
      // No IPv6 link-local address: it would appear a second after the link is up (after its
      // duplicate address detection), and Chromium, seeing an address change, aborts whatever
      // navigation runs then with ERR_NETWORK_CHANGED.
      ["-n", ns.name, "link", "set", inside, "addrgenmode", "none"],
      ["-n", ns.name, "link", "set", inside, "up"],
      ["-n", ns.name, "link", "set", "lo", "up"],
    ];
    for (const step of steps) {
      const r = spawnSync(IP, step, { encoding: "utf8" });
      if (r.status !== 0) {
        ns.remove();
        throw new Error(`\`ip ${step.join(" ")}\` failed: ${r.error?.message ?? r.stderr.trim()}`);
      }
    }
    return ns;
  }

  constructor(name, outside, hostAddress, peerAddress) {
    Object.assign(this, { name, outside, hostAddress, peerAddress });
  }

  /** The names of the processes running in it (e.g. a browser launched there). */
  processNames() {
    const pids = run([IP, "netns", "pids", this.name]).split("\n").filter(Boolean);
    return pids.map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
      } catch {
        return ""; // ended meanwhile
      }
    });
  }

  /**
   * A network drop as the other machine sees it: every TCP connection it has to `address` is
   * aborted at once (`ss -K`), as when its Wi-Fi goes away and comes back. Returns how many.
   */
  dropConnectionsTo(address) {
    const listed = run([IP, "netns", "exec", this.name, "ss", "-K", "-t", "dst", address]);
    return listed.split("\n").filter((line) => line.includes(address)).length;
  }

  remove() {
    spawnSync(IP, ["link", "del", this.outside]);
    spawnSync(IP, ["netns", "del", this.name]);
  }
}

/**
 * A self-signed certificate and its key (mode 0600) in `dir`, for `names` (DNS names and IP
 * addresses, e.g. "DNS:preview.test", "IP:10.0.0.1"). Returns their paths.
 */
export function testCertificate(dir, names) {
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  run([
    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-days", "2", "-subj", "/CN=parawork test", "-addext", `subjectAltName=${names.join(",")}`,
    "-keyout", key, "-out", cert,
  ]);
  chmodSync(key, 0o600);
  return { cert, key };
}

// An agent's stand-in: echoes every line; "size" prints the terminal's rows and columns;
// "flood" prints ~20 MB; "write" creates notes.js in the worktree.
const ECHO_AGENT = `#!/bin/sh
echo "agent ready"
while IFS= read -r line; do
  case "$line" in
    size) echo "size: $(stty size)" ;;
    flood) seq 1 3000000; echo "flood done" ;;
    write) echo 'const greeting = "hello notes";' > notes.js; echo "written" ;;
    *) echo "echo: $line" ;;
  esac
done
`;

/** Writes the echoing agent into `home`; returns the config.toml lines that make it `echo-bot`. */
export function echoBotConfig(home) {
  const path = join(home, "echo-agent.sh");
  writeFileSync(path, ECHO_AGENT);
  chmodSync(path, 0o755);
  return `[agents.echo-bot]\ncommand = "${path}"\nprompt = "none"\n`;
}

/** The visible text of the focused workspace's agent terminal in `page`. */
export async function agentScreen(page) {
  return page.evaluate(() => {
    const frame = document.querySelector(".agent-area [data-testid=terminal]");
    const id = frame?.getAttribute("data-session-id");
    return id ? window.parawork.screen(id) : null;
  });
}

/** Waits until the focused workspace's agent terminal shows `text`. */
export async function agentScreenShows(page, text, timeoutMs = 15000) {
  return eventually(
    `the agent terminal to show ${JSON.stringify(text)}`,
    async () => (await agentScreen(page))?.includes(text),
    timeoutMs,
  );
}

/** The values of a <select>'s options (a property: Preact leaves out a `value` equal to the text). */
export function agentOptions(select) {
  return select.evaluate((el) => [...el.options].map((o) => o.value));
}

/**
 * Chooses agent `name` in the new-workspace dialog's picker once the agent list has loaded (a
 * condition: its option is there and the picker is enabled), and checks the picker holds it.
 */
export async function chooseAgent(page, name) {
  const picker = page.getByTestId("workspace-agent");
  await eventually(`${name} in the agent picker`, async () => (await agentOptions(picker)).includes(name));
  await eventually("the agent picker to be enabled", async () => !(await picker.isDisabled()));
  await picker.selectOption(name);
  const held = await picker.inputValue();
  if (held !== name) throw new Error(`the agent picker holds ${held}, not ${name}`);
}

/** Types `line` and Enter into the terminal under the CSS selector `area` (".agent-area"). */
export async function typeInto(page, area, line) {
  await page.locator(`${area} .xterm-helper-textarea`).focus();
  await page.keyboard.type(line);
  await page.keyboard.press("Enter");
}

/** Saves numbered screenshots of a test's steps under PARAWORK_ARTIFACTS_DIR/<name>/. */
export class Screenshots {
  constructor(name) {
    const root = process.env.PARAWORK_ARTIFACTS_DIR ?? join(tmpdir(), "parawork-browser-artifacts");
    this.dir = join(root, name);
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
    this.count = 0;
  }

  async take(page, step) {
    this.count += 1;
    const file = join(this.dir, `${String(this.count).padStart(2, "0")}-${step}.png`);
    await page.screenshot({ path: file });
    return file;
  }
}

/**
 * How much longer waits may take in this build: a sanitizer build (ASan + UBSan) runs the daemon
 * and the hosts several times slower (tests/CMakeLists.txt sets it). A ceiling, not a speed check.
 */
const timeoutScale = Math.max(1, Number(process.env.PARAWORK_TIMEOUT_SCALE) || 1);

/** Polls `fn` until it returns a truthy value; fails with `what` after `timeoutMs` (scaled). */
export async function eventually(what, fn, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs * timeoutScale;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last})`);
    await sleep(50);
  }
}
