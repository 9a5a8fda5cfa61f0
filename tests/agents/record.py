#!/usr/bin/env python3
"""Records an agent's terminal output for tests/agents/corpus (how the corpus was made; the tests
only replay it). Runs COMMAND in a fresh PTY of COLS x ROWS, in a fresh HOME, in a fresh git
repository, without network (a new network namespace), and writes every byte it prints to OUT.

  record.py OUT [--cols 100] [--rows 30] [--step TEXT=KEYS]... [--seconds 20]
            [--env NAME=VALUE]... [--home-file PATH=CONTENT]... -- COMMAND...

Each --step waits (at most --seconds) for TEXT in the output, then types KEYS (Python escapes:
'\\r' is Enter, '\\x1b[B' is Down); then it records until the output has been quiet for 3 s.
Recording tool only: the time limits here are a recorder's patience, never a test's assertion.
"""
import argparse
import fcntl
import os
import pty
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time


# What a terminal answers to the queries agents send at start (Codex waits for them): the cursor
# position, device attributes, colours, the kitty keyboard flags, a mode report.
ANSWERS = [
    (b"\x1b[6n", b"\x1b[1;1R"),
    (b"\x1b[c", b"\x1b[?62;22c"),
    (b"\x1b]10;?", b"\x1b]10;rgb:cccc/cccc/cccc\x1b\\"),
    (b"\x1b]11;?", b"\x1b]11;rgb:0000/0000/0000\x1b\\"),
    (b"\x1b[?u", b"\x1b[?0u"),
    (b"\x1b[?1007$p", b"\x1b[?1007;2$y"),
]


def answer_queries(fd, data):
    for query, reply in ANSWERS:
        for _ in range(data.count(query)):
            os.write(fd, reply)


def read_for(fd, chunks, seconds, until=None):
    end = time.monotonic() + seconds
    start = len(chunks)  # TEXT must appear in what comes from now on
    quiet_since = time.monotonic()
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:
                return False
            if not data:
                return False
            chunks.append(data)
            answer_queries(fd, data)
            quiet_since = time.monotonic()
            if until and until.encode() in b"".join(chunks[start:]):
                return True
        elif until is None and time.monotonic() - quiet_since > 3:
            return True
    return until is None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--cols", type=int, default=100)
    parser.add_argument("--rows", type=int, default=30)
    parser.add_argument("--step", action="append", default=[],
                        help="TEXT=KEYS: wait for TEXT, then type KEYS (repeatable, in order)")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the agent")
    parser.add_argument("--home-file", action="append", default=[],
                        help="PATH=CONTENT: a file written under the fresh HOME first")
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:split])
    command = argv[split + 1:]
    if not command:
        parser.error("no COMMAND after --")

    home = tempfile.mkdtemp(prefix="parawork-record-")
    repo = os.path.join(home, "project")
    os.makedirs(repo)
    subprocess.run(["git", "init", "-q", repo], check=True)
    with open(os.path.join(repo, "README.md"), "w") as f:
        f.write("# project\n")
    for spec in args.home_file:
        path, content = spec.split("=", 1)
        os.makedirs(os.path.dirname(os.path.join(home, path)), exist_ok=True)
        with open(os.path.join(home, path), "w") as f:
            f.write(content)
    env = {"HOME": home, "PATH": os.environ["PATH"], "TERM": "xterm-256color", "LANG": "C.UTF-8",
           "COLORTERM": "truecolor"}
    env.update(spec.split("=", 1) for spec in args.env)
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(repo)
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", args.rows, args.cols, 0, 0))
        os.execvpe("unshare", ["unshare", "-rn", "--"] + command, env)
    chunks = []
    for step in args.step:
        text, keys = step.split("=", 1)
        if not read_for(fd, chunks, args.seconds, text):
            print(f"record.py: {text!r} did not appear", file=sys.stderr)
            break
        read_for(fd, chunks, 1.5, "\0never")  # let the screen settle before typing
        os.write(fd, keys.encode().decode("unicode_escape").encode("latin-1"))
    read_for(fd, chunks, args.seconds)
    try:
        os.killpg(pid, 9)  # the agent and whatever it started: pty.fork made it a session
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    shutil.rmtree(home, ignore_errors=True)
    with open(args.out, "wb") as f:
        f.write(b"".join(chunks))


if __name__ == "__main__":
    main()
