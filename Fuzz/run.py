#!/usr/bin/env python3
"""Runs the fuzz targets one after another and prints what each did.

    python3 Fuzz/run.py [--runs N | --time SECONDS] [TARGET ...]

Each target runs in one process (no -jobs/-workers: one core) from its committed corpus in
Fuzz/corpus/<target>; what it finds goes to Fuzz/.build/work/<target> (new inputs) and
Fuzz/.build/work/artifacts (crash-, timeout-, leak-, oom- files), never into the committed corpus.
A crash, a timeout (an input slower than -timeout seconds is a hang), a leak or running out of
memory fails the run: the exit status is 1 and the artifact's path is printed.
"""
import argparse
import os
import pathlib
import re
import subprocess
import sys
import time

FUZZ = pathlib.Path(__file__).resolve().parent
BIN = FUZZ / ".build" / "release"
WORK = FUZZ / ".build" / "work"

# The targets are the folders of Fuzz/Targets. Inputs longer than MAX_LEN are not tried: the
# readers' costs grow with size, and a few tens of kilobytes hold every construct; cache files and
# manifests need more room for their tables. The Markdown and GTD readers go through Foundation's
# string search, about ten times slower a byte than the scanners, and read line by line: 2 KB
# (Markdown: every input is read as a document and as LOOPS.md, edited twice) and 4 KB (GTD) hold
# many lines of every kind, and keep a million inputs near an hour on a shared 2-core machine.
TARGETS = sorted(p.name for p in (FUZZ / "Targets").iterdir() if p.is_dir())
MAX_LEN = {"manifest": 131072, "cache": 131072, "markdown": 2048, "gtd": 4096}
DEFAULT_MAX_LEN = 65536

# libFuzzer's own names for what it found, as they begin its report line.
FINDINGS = [
    ("leak", "ERROR: LeakSanitizer"),
    ("timeout", "ERROR: libFuzzer: timeout"),
    ("oom", "ERROR: libFuzzer: out-of-memory"),
    ("crash", "ERROR: AddressSanitizer"),
    ("crash", "ERROR: libFuzzer: deadly signal"),
    ("crash", "ERROR: libFuzzer: fuzz target exited"),
]


def run(target, runs, seconds):
    binary = BIN / f"fuzz-{target}"
    if not binary.exists():
        sys.exit(f"{binary.relative_to(FUZZ.parent)} is missing: build it with `make fuzz-build`")
    corpus = FUZZ / "corpus" / target
    grown = WORK / target
    artifacts = WORK / "artifacts"
    grown.mkdir(parents=True, exist_ok=True)
    artifacts.mkdir(parents=True, exist_ok=True)
    log = WORK / f"{target}.log"
    args = [str(binary), f"-max_len={MAX_LEN.get(target, DEFAULT_MAX_LEN)}", "-timeout=10", "-rss_limit_mb=2048", "-detect_leaks=1",
            "-print_final_stats=1", f"-artifact_prefix={artifacts}/{target}-", str(grown), str(corpus)]
    args.insert(1, f"-max_total_time={seconds}" if seconds else f"-runs={runs}")
    # Swift's own crash backtracer would read the crashed process's memory under AddressSanitizer
    # and be reported instead of the crash: libFuzzer's handler reports it.
    env = dict(os.environ, SWIFT_BACKTRACE="enable=no")
    started = time.monotonic()
    with open(log, "w") as out:
        status = subprocess.run(args, stdout=out, stderr=subprocess.STDOUT, env=env).returncode
    elapsed = time.monotonic() - started
    text = log.read_text(errors="replace")
    stat = dict(re.findall(r"^stat::(\w+):\s+(\d+)", text, re.M))
    inputs = int(stat.get("number_of_executed_units", 0))
    found = next((kind for kind, marker in FINDINGS if marker in text), None)
    if status != 0 and found is None:
        found = "crash"
    artifact = re.findall(r"Test unit written to (\S+)", text)
    return {
        "target": target, "inputs": inputs, "exec_s": int(stat.get("average_exec_per_sec", 0)),
        "seconds": elapsed, "rss_mb": int(stat.get("peak_rss_mb", 0)), "found": found,
        "artifact": artifact[-1] if artifact else None, "log": log,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1_000_000)
    parser.add_argument("--time", type=int, default=0, help="seconds per target instead of --runs")
    parser.add_argument("targets", nargs="*", default=TARGETS)
    options = parser.parse_args()
    unknown = [t for t in options.targets if t not in TARGETS]
    if unknown:
        sys.exit(f"unknown fuzz target {', '.join(unknown)}; the targets are {', '.join(TARGETS)}")
    print(f"{'target':<10} {'inputs':>10} {'exec/s':>8} {'time':>8} {'rss MB':>7}  crashes")
    failed = []
    for target in options.targets:
        r = run(target, options.runs, options.time)
        crashes = 0 if r["found"] is None else 1
        print(f"{r['target']:<10} {r['inputs']:>10} {r['exec_s']:>8} {r['seconds']:>7.0f}s {r['rss_mb']:>7}  {crashes}"
              + (f"  {r['found']}: {r['artifact'] or r['log']}" if r["found"] else ""), flush=True)
        if r["found"]:
            failed.append(r)
    for r in failed:
        print(f"\nfuzz-{r['target']} found a {r['found']}; its log: {r['log']}", file=sys.stderr)
        if r["artifact"]:
            print(f"  replay: SWIFT_BACKTRACE=enable=no Fuzz/.build/release/fuzz-{r['target']} {r['artifact']}",
                  file=sys.stderr)
            print(f"  minimise: SWIFT_BACKTRACE=enable=no Fuzz/.build/release/fuzz-{r['target']} -minimize_crash=1"
                  f" -runs=10000 {r['artifact']}", file=sys.stderr)
            print(f"  then keep it in Fuzz/regressions/{r['target']}/ (the unit tests replay that folder)",
                  file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
