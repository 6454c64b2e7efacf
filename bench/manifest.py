#!/usr/bin/env python3
"""Benchmark manifest mode: `rationale impact --manifest … --state …` against Python's `json`.

    bench/manifest.py [--models 2000] [--target-mb 100] [--runs 5] [--rationale PATH] [--dbt PATH]
                      [--manifest PATH] [--keep] [--workdir DIR]

1. Generates a project with bench/generate_project.py and runs `dbt parse` on it, which gives a
   real dbt manifest (or takes --manifest PATH).
2. If that manifest is smaller than --target-mb, scales it: the project's own nodes are copied
   with renamed ids (`<name>__cN`), their `depends_on.nodes` pointing into the same copy, until
   the file reaches the target size. dbt's own macros, sources and the rest stay as dbt wrote them.
3. Writes the base (state/manifest.json) and the head (the same with one staging model's
   `raw_code` edited), then times, median of --runs runs, peak memory from os.wait4:
     - rationale impact --manifest head --state state/ --format json   (reads BOTH files, compares)
     - python3 -c "import json; json.load(open(head))"                  (reads ONE file)
   and prints the figures and the ratio.

Python standard library only; nothing is downloaded; generated files live in a temporary folder.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH_DIR)
import generate_project  # noqa: E402
from run import dbt_env, measure, resolve_dbt, resolve_rationale  # noqa: E402


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def real_manifest(dbt, models, seed, work):
    """`dbt parse` a generated project; returns the path of the manifest it wrote."""
    project = os.path.join(work, "project")
    files = generate_project.Generator(models, seed).build()
    for rel, text in files.items():
        path = os.path.join(project, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    log(f"dbt parse of a generated {models}-model project …")
    t0 = time.perf_counter()
    out = os.path.join(work, "dbt-parse.log")
    dt, rss, rc, _ = measure([dbt, "parse", "--no-partial-parse"], project, dbt_env(project), out)
    if rc != 0:
        with open(out, encoding="utf-8", errors="replace") as fh:
            raise SystemExit(f"dbt parse failed (exit {rc}):\n{fh.read()[-3000:]}")
    log(f"  parsed in {time.perf_counter() - t0:.1f}s (peak {rss:.0f} MB)")
    return os.path.join(project, "target", "manifest.json")


def scale(manifest, target_bytes, current_bytes):
    """Copies the project's own nodes with renamed ids until the file is about target_bytes."""
    project = manifest["metadata"]["project_name"]
    own = {k: v for k, v in manifest["nodes"].items() if v.get("package_name") == project}
    if not own or current_bytes >= target_bytes:
        return 0
    copies = max(1, round((target_bytes - current_bytes) / max(1, len(json.dumps(own)))))
    for n in range(1, copies + 1):
        suffix = f"__c{n}"
        renamed = {k: k + suffix for k in own}
        for uid, node in own.items():
            clone = json.loads(json.dumps(node))
            clone["unique_id"] = renamed[uid]
            clone["name"] = node["name"] + suffix
            clone["fqn"] = node["fqn"][:-1] + [node["fqn"][-1] + suffix]
            deps = clone.get("depends_on") or {}
            if "nodes" in deps:
                deps["nodes"] = [renamed.get(d, d) for d in deps["nodes"]]
            if clone.get("attached_node") in renamed:
                clone["attached_node"] = renamed[clone["attached_node"]]
            manifest["nodes"][renamed[uid]] = clone
    return copies


def timed(cmd, cwd, runs, scratch, label):
    """Median wall and CPU seconds and the largest peak RSS (MB) of `runs` runs."""
    samples, cpus, peaks = [], [], []
    out = os.path.join(scratch, label.replace(" ", "_") + ".out")
    for _ in range(runs):
        dt, rss, rc, cpu = measure(cmd, cwd, dict(os.environ), out)
        if rc != 0:
            with open(out + ".err", encoding="utf-8", errors="replace") as fh:
                raise SystemExit(f"{label} failed (exit {rc}): {' '.join(cmd)}\n{fh.read()[-2000:]}")
        samples.append(dt)
        cpus.append(cpu)
        peaks.append(rss)
    return statistics.median(samples), max(peaks), statistics.median(cpus), out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", type=int, default=2000, help="models in the generated project (default 2000)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--target-mb", type=float, default=100.0, help="scale the manifest to this size (default 100)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--manifest", help="start from this manifest.json instead of parsing a generated project")
    ap.add_argument("--rationale", help="rationale binary (default $RATIONALE_BIN or .build/release/rationale)")
    ap.add_argument("--dbt", help="dbt executable (default $DBT or dbt)")
    ap.add_argument("--workdir", help="parent for the temporary folder")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--measure", metavar="DIR", help=argparse.SUPPRESS)  # internal: time prepared files
    args = ap.parse_args(argv)
    if args.measure:
        return measure_only(args.measure, args.runs, args.rationale)
    args.no_rationale = False
    args.no_dbt = bool(args.manifest)
    rationale = resolve_rationale(args)
    work = tempfile.mkdtemp(prefix="rationale-bench-manifest-", dir=args.workdir)
    try:
        source = args.manifest or real_manifest(resolve_dbt(args), args.models, args.seed, work)
        raw_size = os.path.getsize(source)
        with open(source, encoding="utf-8") as fh:
            manifest = json.load(fh)
        copies = scale(manifest, int(args.target_mb * 1_000_000), raw_size)
        state_dir = os.path.join(work, "state")
        os.makedirs(state_dir)
        state = os.path.join(state_dir, "manifest.json")
        with open(state, "w", encoding="utf-8") as fh:
            json.dump(manifest, fh)
        project = manifest["metadata"]["project_name"]
        staging = sorted(k for k, v in manifest["nodes"].items()
                         if v.get("resource_type") == "model" and v.get("package_name") == project
                         and "stg_" in k and "__c" not in k)
        edited = staging[0] if staging else next(k for k, v in manifest["nodes"].items() if v.get("resource_type") == "model")
        manifest["nodes"][edited]["raw_code"] += "\n-- bench edit\n"
        head = os.path.join(work, "manifest.json")
        with open(head, "w", encoding="utf-8") as fh:
            json.dump(manifest, fh)
        nodes = len(manifest["nodes"])
        del manifest
        size_mb = os.path.getsize(head) / 1e6
        how = (f"a real dbt manifest ({raw_size / 1e6:.1f} MB) scaled ×{copies + 1} by copying the project's nodes "
               f"with renamed ids" if copies else f"a real dbt manifest, unscaled")
        log(f"head manifest: {size_mb:.1f} MB, {nodes} nodes — {how}; edited {edited}")

        # Measure from a fresh interpreter: a child forked from this one (which holds the decoded
        # manifest) would report this process's memory as its own peak.
        with open(os.path.join(work, "about.json"), "w", encoding="utf-8") as fh:
            json.dump({"edited": edited, "nodes": nodes, "how": how}, fh)
        r = subprocess.run([sys.executable, os.path.abspath(__file__), "--measure", work, "--runs", str(args.runs),
                            "--rationale", rationale])
        if r.returncode != 0:
            return r.returncode
        return 0
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def measure_only(work, runs, rationale):
    """Times rationale and Python's json on the files prepared in `work`; prints the figures."""
    with open(os.path.join(work, "about.json"), encoding="utf-8") as fh:
        about = json.load(fh)
    head, state_dir = os.path.join(work, "manifest.json"), os.path.join(work, "state")
    size_mb = os.path.getsize(head) / 1e6
    rationale = os.path.abspath(rationale)
    rat_s, rat_mb, rat_cpu, rat_out = timed([rationale, "impact", "--manifest", head, "--state", state_dir,
                                             "--format", "json"], work, runs, work, "rationale")
    with open(rat_out, encoding="utf-8") as fh:
        answer = json.load(fh)
    if about["edited"] not in answer.get("modified", []):
        raise SystemExit(f"rationale did not report the edited node {about['edited']} as modified: {answer.get('modified')}")
    py_s, py_mb, py_cpu, _ = timed([sys.executable, "-c", f"import json; json.load(open({head!r}, encoding='utf-8'))"],
                                   work, runs, work, "python json")
    print(f"manifest: {size_mb:.1f} MB, {about['nodes']} nodes ({about['how']}); {runs_note(runs)}")
    print(f"rationale impact --manifest --state (reads both manifests, compares): "
          f"median {rat_s * 1000:.0f} ms wall, {rat_cpu * 1000:.0f} ms CPU, peak {rat_mb:.0f} MB; "
          f"modified {len(answer['modified'])}, downstream {len(answer['downstream'])}")
    print(f"python3 json.load (one manifest):                                      "
          f"median {py_s * 1000:.0f} ms wall, {py_cpu * 1000:.0f} ms CPU, peak {py_mb:.0f} MB")
    print(f"ratio rationale/python: wall {rat_s / py_s:.2f}, CPU {rat_cpu / py_cpu:.2f}, memory {rat_mb / py_mb:.2f} "
          f"(rationale's peak counts the mapped pages of both files)")
    return 0


def runs_note(runs):
    return f"median of {runs} run{'s' if runs != 1 else ''}, peak RSS from os.wait4"


if __name__ == "__main__":
    sys.exit(main())
