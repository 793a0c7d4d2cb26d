#!/usr/bin/env python3
"""Mutation check: plant each defect of a list in a scratch copy of the repository, build it,
run the suites the list names, and report whether the tests caught it.

    python3 scripts/mutants.py [LIST] [--only ID[,ID...]] [--workdir DIR] [--no-baseline]

LIST defaults to Tests/Mutants/mutants.txt (its header describes the format). The copy and its
build folder live in --workdir (default: $MUTANTS_WORKDIR, else a folder under the system's
temporary directory named after this checkout) and are kept between runs, so every build after
the first is incremental. Before the mutants, the unmodified copy must build and pass every
named suite. Prints one row per mutant (KILLED, SURVIVED, STALE, NO-BUILD, NO-TESTS) and exits 1
unless every mutant was KILLED. Python 3 standard library only.
"""

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SWIFT_FLAGS = ["-c", "release", "-Xswiftc", "-enable-testing"]
# Not copied: version control (a worktree's .git is a file), build folders, SwiftPM state.
EXCLUDED = {".git", ".swiftpm"}
KEYS = ["id", "description", "file", "original", "replacement", "filter"]


class Mutant:
    def __init__(self, fields, line):
        self.line = line
        for key in KEYS:
            setattr(self, key, fields[key])


def unescape(text):
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append({"n": "\n", "t": "\t", "\\": "\\"}.get(nxt, "\\" + nxt))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def parse(path):
    mutants, fields, start = [], {}, None

    def finish():
        if not fields:
            return
        missing = [k for k in KEYS if k not in fields]
        if missing:
            sys.exit(f"{path}:{start}: mutant record lacks {', '.join(missing)}")
        mutants.append(Mutant(fields.copy(), start))
        fields.clear()

    with open(path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, 1):
            line = raw.rstrip("\n")
            if line.startswith("#"):
                continue
            if not line.strip():
                finish()
                continue
            key, sep, value = line.partition(":")
            if not sep or key not in KEYS:
                sys.exit(f"{path}:{number}: expected one of {', '.join(KEYS)} followed by ':', got {line!r}")
            if key in fields:
                sys.exit(f"{path}:{number}: {key} given twice in one record (records are separated by blank lines)")
            if not fields:
                start = number
            value = value[1:] if value.startswith(" ") else value
            fields[key] = unescape(value) if key in ("original", "replacement") else value.strip()
        finish()
    ids = [m.id for m in mutants]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        sys.exit(f"{path}: duplicate mutant ids: {', '.join(duplicates)}")
    return mutants


def sync(source, destination):
    """Mirror `source` into `destination` (like rsync -a --delete), copying only files whose
    size or modification time differ, so unchanged files keep their times and builds stay
    incremental. Symbolic links are copied as links."""
    os.makedirs(destination, exist_ok=True)
    seen = set()
    for folder, dirs, files in os.walk(source):
        relative = os.path.relpath(folder, source)
        dirs[:] = [d for d in dirs if d not in EXCLUDED and not d.startswith(".build")]
        target_folder = os.path.normpath(os.path.join(destination, relative))
        os.makedirs(target_folder, exist_ok=True)
        seen.add(os.path.normpath(relative))
        for name in dirs + [f for f in files if f not in EXCLUDED]:
            src = os.path.join(folder, name)
            dst = os.path.join(target_folder, name)
            seen.add(os.path.normpath(os.path.join(relative, name)))
            if os.path.islink(src):
                link = os.readlink(src)
                if not (os.path.islink(dst) and os.readlink(dst) == link):
                    remove(dst)
                    os.symlink(link, dst)
                if name in dirs:
                    dirs.remove(name)  # do not walk into linked folders
            elif name in files:
                s = os.stat(src)
                if os.path.islink(dst) or os.path.isdir(dst):
                    remove(dst)
                if not os.path.exists(dst) or _stamp(os.stat(dst)) != _stamp(s):
                    shutil.copy2(src, dst)
    for folder, dirs, files in os.walk(destination, topdown=True):
        relative = os.path.relpath(folder, destination)
        # What SwiftPM leaves in the copy's root stays (it is not part of the source).
        dirs[:] = [d for d in dirs if d not in EXCLUDED and not d.startswith(".build")]
        for name in list(dirs) + files:
            if relative == "." and name == "Package.resolved":
                continue
            path = os.path.normpath(os.path.join(relative, name))
            if path not in seen:
                remove(os.path.join(folder, name))
                if name in dirs:
                    dirs.remove(name)


def _stamp(st):
    return (st.st_size, int(st.st_mtime_ns))


def remove(path):
    if os.path.islink(path) or os.path.isfile(path):
        os.unlink(path)
    elif os.path.isdir(path):
        shutil.rmtree(path)


def run(command, cwd, env, log):
    started = time.monotonic()
    with open(log, "w", encoding="utf-8") as out:
        out.write("$ " + " ".join(command) + "\n")
        out.flush()
        status = subprocess.call(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    with open(log, encoding="utf-8", errors="replace") as handle:
        return status, handle.read(), time.monotonic() - started


FAILED_TEST = re.compile(r'^✘ Test (".*?"|\S+\(\))(?: with \d+ test cases?)? (?:recorded an issue|failed)(.*)$', re.M)
XCTEST_FAILURE = re.compile(r"^.*error: -\[(\S+) (\S+)\] : (.*)$", re.M)


def first_failure(output, status):
    match = FAILED_TEST.search(output)
    if match:
        name, rest = match.group(1), match.group(2)
        argument = re.search(r"with \d+ arguments? (.*?) at ", rest)
        where = re.search(r" at (\S+?:\d+)", rest)
        text = name + (f" [{argument.group(1)}]" if argument else "")
        return text + (f" ({where.group(1)})" if where else "")
    match = XCTEST_FAILURE.search(output)
    if match:
        return f"{match.group(1)}.{match.group(2)}"
    signal = re.search(r"exited with unexpected signal code (\d+)", output)
    if signal:
        return f"test process crashed (signal {signal.group(1)})"
    return f"swift test exited with status {status}"


def tests_ran(output):
    counts = [int(n) for n in re.findall(r"Test run with (\d+) tests?", output)]
    xctest = [int(n) for n in re.findall(r"Executed (\d+) tests?", output)]
    return sum(counts) + (max(xctest) if xctest else 0)


def default_workdir():
    tag = hashlib.sha1(ROOT.encode()).hexdigest()[:8]
    return os.path.join(tempfile.gettempdir(), f"sadi-eval-mutants-{os.path.basename(ROOT)}-{tag}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("list", nargs="?", default=os.path.join(ROOT, "Tests", "Mutants", "mutants.txt"))
    parser.add_argument("--only", help="comma-separated mutant ids to run")
    parser.add_argument("--workdir", default=os.environ.get("MUTANTS_WORKDIR") or default_workdir())
    parser.add_argument("--no-baseline", action="store_true", help="skip checking the unmodified copy first")
    args = parser.parse_args()

    mutants = parse(args.list)
    if args.only:
        wanted = set(args.only.split(","))
        unknown = wanted - {m.id for m in mutants}
        if unknown:
            sys.exit(f"no mutant named {', '.join(sorted(unknown))} in {args.list}")
        mutants = [m for m in mutants if m.id in wanted]

    source = os.path.join(args.workdir, "src")
    scratch = os.path.join(args.workdir, "build")
    logs = os.path.join(args.workdir, "logs")
    os.makedirs(logs, exist_ok=True)
    env = dict(os.environ)
    # The copy lives elsewhere, so point the tests at this checkout's shared data and model.
    shared = os.path.normpath(os.path.join(ROOT, "..", "shared"))
    if not env.get("SADI_SHARED") and os.path.isdir(shared):
        env["SADI_SHARED"] = shared
    model = os.path.join(ROOT, "models", "SmolLM2-135M-Instruct.Q4_1.gguf")
    if not env.get("SADI_MODEL") and os.path.exists(model):
        env["SADI_MODEL"] = os.path.realpath(model)

    build = ["swift", "build", *SWIFT_FLAGS, "--build-tests", "--scratch-path", scratch]
    test = ["swift", "test", *SWIFT_FLAGS, "--skip-build", "--scratch-path", scratch]
    print(f"scratch copy: {source}\nbuild folder: {scratch}\nlogs:         {logs}", flush=True)
    sync(ROOT, source)

    status, output, seconds = run(build, source, env, os.path.join(logs, "baseline-build.log"))
    if status != 0:
        sys.exit(f"the unmodified copy does not build ({seconds:.0f} s); see {logs}/baseline-build.log")
    print(f"baseline build: {seconds:.0f} s", flush=True)
    if not args.no_baseline:
        union = "|".join(f"({m.filter})" for m in mutants)
        status, output, seconds = run(test + ["--filter", union], source, env, os.path.join(logs, "baseline-test.log"))
        if status != 0:
            sys.exit(f"the unmodified copy fails the named suites ({first_failure(output, status)}); "
                     f"see {logs}/baseline-test.log")
        print(f"baseline tests: {tests_ran(output)} tests pass in {seconds:.0f} s", flush=True)

    rows = []
    for mutant in mutants:
        path = os.path.join(source, mutant.file)
        try:
            with open(path, encoding="utf-8") as handle:
                original = handle.read()
        except OSError as error:
            rows.append((mutant, "STALE", f"cannot read {mutant.file}: {error.strerror}", None, None))
            continue
        occurrences = original.count(mutant.original)
        if occurrences != 1:
            where = "not found" if occurrences == 0 else f"found {occurrences} times"
            rows.append((mutant, "STALE", f"original text {where} in {mutant.file}", None, None))
            continue
        print(f"{mutant.id}: building", flush=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(original.replace(mutant.original, mutant.replacement))
        try:
            status, output, build_seconds = run(build, source, env, os.path.join(logs, f"{mutant.id}-build.log"))
            if status != 0:
                rows.append((mutant, "NO-BUILD", f"does not compile; see logs/{mutant.id}-build.log", build_seconds, None))
                continue
            print(f"{mutant.id}: testing ({mutant.filter})", flush=True)
            status, output, test_seconds = run(test + ["--filter", mutant.filter], source, env,
                                               os.path.join(logs, f"{mutant.id}-test.log"))
            if status != 0:
                rows.append((mutant, "KILLED", first_failure(output, status), build_seconds, test_seconds))
            elif tests_ran(output) == 0:
                rows.append((mutant, "NO-TESTS", f"the filter {mutant.filter!r} matches no test", build_seconds, test_seconds))
            else:
                rows.append((mutant, "SURVIVED", f"{tests_ran(output)} tests passed", build_seconds, test_seconds))
        finally:
            # Written anew (new modification time), so the next build compiles the original again.
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(original)

    print()
    header = ("mutant", "result", "build", "test", "description / first failing test")
    table = [(m.id, result, "-" if b is None else f"{b:.0f} s", "-" if t is None else f"{t:.0f} s", m.description, detail)
             for m, result, detail, b, t in rows]
    widths = [max(len(row[i]) for row in table + [header]) for i in range(4)]
    indent = " " * (sum(widths) + 2 * 4)
    print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(header[:4])) + "  " + header[4])
    for row in table:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])
        print(indent + "-> " + row[5])
    bad = [m.id for m, result, *_ in rows if result != "KILLED"]
    print()
    if bad:
        print(f"{len(bad)} of {len(rows)} mutants not killed: {', '.join(bad)}")
        return 1
    print(f"all {len(rows)} mutants killed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
