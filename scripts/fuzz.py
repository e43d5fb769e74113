#!/usr/bin/env python3
"""Mutation fuzzer for hallsim's loaders and command line (issue 14).

Takes the seed corpus (Tests/fuzz/corpus: scenario-*, plan-*, sweep-* files and the calendar they
use), mutates one file at a time (bytes, lines, numbers, encodings, YAML aliases) or the command line,
and runs the ONE release binary on it, each child under a timeout and a memory limit. A failure is a
signal (crash, trap, abort), a timeout, an exit status outside {0, 1, 2, 3}, or a runtime backtrace
on stderr. Each failing input is saved under Tests/fuzz/regressions (replayed by the XCTest
FuzzRegressionTests) and the run exits 1.

    scripts/fuzz.py [--seconds N] [--seed S] [--binary PATH]   # N defaults to $HALLSIM_FUZZ_SECONDS or 120
    scripts/fuzz.py --replay                                   # run every saved regression once
"""
import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
CORPUS = os.path.join(ROOT, "Tests", "fuzz", "corpus")
REGRESSIONS = os.path.join(ROOT, "Tests", "fuzz", "regressions")
TIMEOUT = float(os.environ.get("HALLSIM_FUZZ_TIMEOUT", "30"))
MEMORY = int(os.environ.get("HALLSIM_FUZZ_MEMORY_MB", "4096")) << 20
CRASH_TEXT = ("Fatal error", "Stack dump", "Traceback", "Illegal instruction", "Segmentation fault",
              "💣 Program crashed", "Assertion failed", "Precondition failed", "Current stack trace")

INTERESTING = ["-1", "0", "1", "2", "0.0", "-0.5", "45", "120", "600000", "1e9", "1e300", "-1e300", "1e-300",
               ".nan", ".inf", "-.inf", "nan", "9223372036854775807", "-9223372036854775808",
               "18446744073709551616", "99999999999999999999", "2147483648", "\"\"", "''", "~", "null", "[]", "{}",
               "true", "\"24:00\"", "\"25:61\"", "\"00:00\"", "\"2025-02-30\"", "\"9999-12-31\"", "0x10", "1_000",
               "*a", "&a x", "!!binary aGk=", "\"\\u0000\""]
BYTES = [b"\x00", b"\xff", b"\xb4\xf3", b"\xe5\xa4", b"\xc0\x80", b"\xef\xbb\xbf", b"\t", b"\r", b"\n", b":",
         b"- ", b"{", b"}", b"[", b"]", b"&a ", b"*a", b"? ", b"|", b">", b"%YAML 1.1\n", b"---\n", b"...\n",
         b"#", b"'", b'"', b"\\", b"!!", b"@", b"`", "大厅".encode()]

ALIAS_BOMB = "\n".join(["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"] + [
    f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]) + "\n"
KEY_BOMB = "k0: &k0 {x: 1, y: 2}\n" + "\n".join(
    f"k{i}: &k{i} {{*k{i - 1} : 1, z: *k{i - 1}}}" for i in range(1, 12)) + "\n"


def kind_of(name):
    return name.split("-")[0]


def mutate_numbers(text, rng):
    import re
    spans = [m.span() for m in re.finditer(r"(?<![\w.])-?\d+(\.\d+)?(e-?\d+)?(?![\w.])", text)]
    if not spans:
        return text
    for _ in range(rng.randint(1, 3)):
        a, b = rng.choice(spans)
        text = text[:a] + rng.choice(INTERESTING) + text[b:]
        spans = [m.span() for m in re.finditer(r"(?<![\w.])-?\d+(\.\d+)?(e-?\d+)?(?![\w.])", text)] or [(0, 0)]
    return text


def mutate(data, rng, corpus):
    """One to four mutations of a file's bytes."""
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(13)
        lines = data.split(b"\n")
        if op == 0 and data:  # flip a byte
            i = rng.randrange(len(data))
            data = data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1:]
        elif op == 1:  # insert a token
            i = rng.randrange(len(data) + 1)
            data = data[:i] + rng.choice(BYTES) + data[i:]
        elif op == 2 and len(lines) > 1:  # delete lines
            i = rng.randrange(len(lines))
            del lines[i:i + rng.randint(1, 5)]
            data = b"\n".join(lines)
        elif op == 3 and lines:  # duplicate a line (duplicate keys, ids, days)
            i = rng.randrange(len(lines))
            lines.insert(i, lines[i])
            data = b"\n".join(lines)
        elif op == 4 and len(lines) > 1:  # swap lines
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            data = b"\n".join(lines)
        elif op in (5, 6, 7):  # interesting numbers and values
            data = mutate_numbers(data.decode("utf-8", "replace"), rng).encode()
        elif op == 8:  # encodings
            text = data.decode("utf-8", "replace")
            enc = rng.choice(["gbk", "utf-16", "utf-16-le", "utf-16-be", "latin-1"])
            data = text.encode(enc, "replace")
        elif op == 9:  # truncate
            data = data[:rng.randrange(len(data) + 1)]
        elif op == 10:  # indentation
            if lines:
                i = rng.randrange(len(lines))
                lines[i] = rng.choice([b" ", b"  ", b"\t", b""]) + lines[i].lstrip() if rng.random() < 0.5 else b" " + lines[i]
                data = b"\n".join(lines)
        elif op == 11:  # alias bombs, anchors; sometimes the bomb replaces a list the loader walks
            bomb = rng.choice([ALIAS_BOMB, KEY_BOMB, "x: &a 1\n", "y: *nosuch\n"]).encode()
            for key in (b"\ndepartments:", b"\nitems:", b"\ndays:", b"\nfactors:", b"\nshift_types:"):
                if key in data and rng.random() < 0.5 and bomb in (ALIAS_BOMB.encode(), KEY_BOMB.encode()):
                    last = b"a9" if bomb == ALIAS_BOMB.encode() else b"k11"
                    data = data.replace(key, b"\nbomb_" + key[1:] + b" *" + last + key, 1)
                    break
            data = bomb + data
        elif op == 12:  # splice a line from another corpus file
            other = rng.choice(corpus)[1].split(b"\n")
            if lines:
                lines.insert(rng.randrange(len(lines) + 1), rng.choice(other))
                data = b"\n".join(lines)
    return data


def limit():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run(binary, args, cwd):
    """(failure description or None, status)."""
    try:
        p = subprocess.run([binary] + args, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=TIMEOUT, preexec_fn=limit)
    except subprocess.TimeoutExpired:
        return f"timeout after {TIMEOUT:g} s", None
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode < 0:
        return f"killed by signal {-p.returncode}: {err[-400:]}", p.returncode
    if p.returncode not in (0, 1, 2, 3):
        return f"exit status {p.returncode}: {err[-400:]}", p.returncode
    for t in CRASH_TEXT:
        if t in err:
            return f"'{t}' on stderr: {err[-400:]}", p.returncode
    if len(err) > 200_000:
        return f"{len(err)} bytes on stderr", p.returncode
    return None, p.returncode


def commands(kind, name, rng):
    """The command lines an input file of this kind is run with ({F} = the file, {O} = an output folder)."""
    if kind == "scenario":
        out = [["validate", "{F}"]]
        if name in ("scenario-mm1.yaml", "scenario-pooling.yaml", "scenario-tidal.yaml") and rng.random() < 0.3:
            out.append(["run", "{F}", "--replications", "2", "--threads", "1", "--out", "{O}"])
        return out
    return [["validate", "{F}"]]


def argv_case(rng):
    """A mutated command line over a valid small scenario."""
    opts = ["--seed", "--replications", "--threads", "--out", "--records", "--kpi", "--until-precision",
            "--max-replications", "--days", "--layouts", "--interval-min", "--service-level", "--budget",
            "--shard", "--shards", "--generalist-slowdown", "--version", "--help", "-h", "--", "-1"]
    values = INTERESTING + ["all", "first", "none", "x" * rng.choice([1, 300, 100_000]), ",", ",,", "0/0", "3/2",
                            "-1/4", "a/b", "/", "", ".", "..", "/dev/null", "/proc/self", "scenario-mm1.yaml",
                            "plan-small.yaml", "sweep-small.yaml", "china.yaml", "no/such/file"]
    cmd = rng.choice(["run", "validate", "compare", "batch", "merge", "plan", "nosuch", "", "help", "-x"])
    args = [cmd] if cmd else []
    files = {"run": "scenario-mm1.yaml", "validate": "scenario-mm1.yaml", "compare": "scenario-mm1.yaml",
             "batch": "sweep-small.yaml", "plan": "plan-small.yaml", "merge": "."}
    if cmd in files and rng.random() < 0.8:
        args.append(files[cmd])
        if cmd == "compare":
            args.append("scenario-pooling.yaml")
    for _ in range(rng.randint(0, 4)):
        args.append(rng.choice(opts))
        if rng.random() < 0.8:
            args.append(rng.choice(values))
    # Only cheap runs: replications bounded, so a timeout means a hang, not honest work.
    if cmd in ("run", "compare") and "--replications" not in args:
        args += ["--replications", "2"]
    if cmd == "compare" and "--max-replications" in args:
        args += ["--max-replications", "10"]
    if cmd == "plan":
        args += ["--out", "{O}"] if "--out" not in args else []
        return None  # planning runs a search; plan files are fuzzed through validate
    if cmd == "batch" and "--out" not in args:
        args += ["--out", "{O}"]
    return args


def save(kind, data, args, why, as_file="fuzz-input.yaml"):
    os.makedirs(REGRESSIONS, exist_ok=True)
    h = hashlib.sha1(data + json.dumps(args).encode()).hexdigest()[:12]
    base = os.path.join(REGRESSIONS, f"{kind}-{h}")
    with open(base + ".yaml", "wb") as f:
        f.write(data)
    with open(base + ".json", "w") as f:
        json.dump({"args": args, "file": as_file, "found": why[:300]}, f, indent=1, ensure_ascii=False)
    return base


def prepare(work):
    for n in os.listdir(CORPUS):
        shutil.copy(os.path.join(CORPUS, n), os.path.join(work, n))


def expand(args, work, input_name):
    return [a.replace("{F}", input_name).replace("{O}", os.path.join(work, "out")) for a in args]


def replay(binary):
    """Runs every saved regression (and every corpus file through validate); 0 if none fails."""
    failures = 0
    with tempfile.TemporaryDirectory(prefix="hallsim-fuzz-") as work:
        prepare(work)
        cases = []
        for n in sorted(os.listdir(REGRESSIONS)) if os.path.isdir(REGRESSIONS) else []:
            if n.endswith(".json"):
                meta = json.load(open(os.path.join(REGRESSIONS, n)))
                data = open(os.path.join(REGRESSIONS, n[:-5] + ".yaml"), "rb").read()
                cases.append((n, data, meta["args"], meta.get("file", "fuzz-input.yaml")))
        for n in sorted(os.listdir(CORPUS)):
            if n != "china.yaml":
                cases.append((n, open(os.path.join(CORPUS, n), "rb").read(), ["validate", "{F}"], "fuzz-input.yaml"))
        for n, data, args, as_file in cases:
            shutil.rmtree(os.path.join(work, "out"), ignore_errors=True)
            with open(os.path.join(work, as_file), "wb") as f:
                f.write(data)
            why, _ = run(binary, expand(args, work, "fuzz-input.yaml"), work)
            if as_file != "fuzz-input.yaml":
                shutil.copy(os.path.join(CORPUS, as_file), os.path.join(work, as_file))
            if why:
                failures += 1
                print(f"fuzz replay: {n}: {why}", file=sys.stderr)
        print(f"fuzz replay: {len(cases)} inputs, {failures} failing")
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "hallsim"))
    ap.add_argument("--seconds", type=float, default=float(os.environ.get("HALLSIM_FUZZ_SECONDS", "120")))
    ap.add_argument("--seed", type=int, default=int(os.environ.get("HALLSIM_FUZZ_SEED", "0")) or None)
    ap.add_argument("--replay", action="store_true")
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    if not os.access(binary, os.X_OK):
        sys.exit(f"fuzz: no hallsim binary at {binary}; build it first (swift build -c release)")
    if a.replay:
        sys.exit(replay(binary))
    seed = a.seed if a.seed is not None else int(time.time())
    rng = random.Random(seed)
    corpus = [(n, open(os.path.join(CORPUS, n), "rb").read()) for n in sorted(os.listdir(CORPUS))
              if kind_of(n) in ("scenario", "plan", "sweep", "china.yaml") or n == "china.yaml"]
    tried = {"scenario": 0, "plan": 0, "sweep": 0, "calendar": 0, "argv": 0}
    statuses = {}
    found = []
    start = time.time()
    with tempfile.TemporaryDirectory(prefix="hallsim-fuzz-") as work:
        prepare(work)
        while time.time() - start < a.seconds:
            shutil.rmtree(os.path.join(work, "out"), ignore_errors=True)
            if rng.random() < 0.15:
                args = argv_case(rng)
                if args is None:
                    continue
                kind, data, name = "argv", b"", None
            else:
                name, original = rng.choice(corpus)
                kind = "calendar" if name == "china.yaml" else kind_of(name)
                data = mutate(original, rng, corpus)
                if kind == "calendar":
                    # A mutated calendar is read through the back-office scenario that names it.
                    with open(os.path.join(work, "china.yaml"), "wb") as f:
                        f.write(data)
                    args = ["validate", "scenario-backoffice.yaml"]
                else:
                    args = rng.choice(commands(kind, name, rng))
            with open(os.path.join(work, "fuzz-input.yaml"), "wb") as f:
                f.write(data)
            why, status = run(binary, expand(args, work, "fuzz-input.yaml"), work)
            if why is None and status == 2 and kind != "argv":
                why = "exit status 2 (results not written) into a fresh output folder"
            if kind == "calendar":
                shutil.copy(os.path.join(CORPUS, "china.yaml"), os.path.join(work, "china.yaml"))
            tried[kind] += 1
            statuses[status] = statuses.get(status, 0) + 1
            if why:
                path = save(kind, data, args, why, "china.yaml" if kind == "calendar" else "fuzz-input.yaml")
                found.append(why)
                print(f"fuzz: FAILURE {why.splitlines()[0][:200]} → {os.path.relpath(path, ROOT)}", file=sys.stderr)
    total = sum(tried.values())
    print(f"fuzz: seed {seed}, {total} inputs in {time.time() - start:.0f} s "
          f"({', '.join(f'{k} {v}' for k, v in tried.items())}); exit statuses "
          f"{dict(sorted((str(k), v) for k, v in statuses.items()))}; {len(found)} failures")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
