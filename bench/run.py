#!/usr/bin/env python3
"""Benchmark `rationale impact` against `dbt ls -s state:modified+`.

    bench/run.py [--sizes 100,1000,5000,20000] [--runs 5] [--rationale PATH]
                 [--dbt PATH] [--no-dbt] [--no-rationale] ...

Python standard library only. See bench/README.md for what is measured and
how to read the output. Results are printed and written as JSON to
bench/out/results-<date>.json.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH_DIR)
sys.path.insert(0, BENCH_DIR)
import generate_project  # noqa: E402

# Issue 17's targets (milliseconds / megabytes), by project size: the hook's warm cost follows the
# change, not the project; cold stays bounded in time and memory.
TARGETS = {
    5000: [("rationale check (warm)", "median_ms", 15.0)],
    50000: [
        ("rationale check (warm)", "median_ms", 20.0),
        ("rationale --staged (cold)", "median_ms", 1500.0),
    ],
}
TARGET_PEAK_MB = {50000: 300.0}
TARGET_STARTUP_MS = 5.0
# rationale warm check against dbt ls at this size: at least this many times faster.
TARGET_RATIO = (5000, 1500.0)
# dbt ls runs at these sizes only (a 50,000-model dbt parse takes many minutes).
DBT_MAX_SIZE = 20000

EDIT_LINE = ",\n        'bench' as bench_edit_marker"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- processes
def git_env():
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("GIT_"):
            del env[k]
    env.update({
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
        "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
        "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z",
        "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z",
        "GIT_TERMINAL_PROMPT": "0",
        "LC_ALL": "C",
    })
    return env


def dbt_env(project_dir):
    env = git_env()
    env.update({
        "DBT_PROFILES_DIR": project_dir,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
        "DBT_USE_COLORS": "false",
        "DBT_PRINTER_WIDTH": "120",
    })
    return env


def git(repo, *args, input=None):
    r = subprocess.run(["git", "-C", repo, *args], env=git_env(), input=input,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if r.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed in {repo}:\n{r.stderr.decode()}")
    return r.stdout


def measure(cmd, cwd, env, out_path):
    """Run cmd once; return (seconds, max RSS in MB, exit code, CPU seconds).
    stdout -> out_path.

    Uses os.wait4 so the rusage is that of this child alone (ru_maxrss is in
    KiB on Linux, bytes on macOS)."""
    with open(out_path, "wb") as out, open(out_path + ".err", "wb") as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err,
                             stdin=subprocess.DEVNULL)
        _pid, status, ru = os.wait4(p.pid, 0)
        dt = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    rss = ru.ru_maxrss / (1024.0 * 1024.0 if sys.platform == "darwin" else 1024.0)
    return dt, rss, p.returncode, ru.ru_utime + ru.ru_stime


def read(path):
    with open(path, "rb") as fh:
        return fh.read().decode("utf-8", "replace")


def tail(text, n=20):
    return "\n".join(text.rstrip().splitlines()[-n:])


# --------------------------------------------------------------------------- project setup
REF_RE = re.compile(r"ref\(\s*['\"]([A-Za-z0-9_]+)['\"]\s*\)")


def pick_staging_model(files):
    """Deterministically pick the staging model to edit: the one whose
    downstream model count (from the generator's own refs) is the median
    among staging models that have any downstream at all."""
    children = {}
    stg = {}
    for rel, text in files.items():
        if not rel.endswith(".sql") or not rel.startswith("models/"):
            continue
        name = os.path.basename(rel)[:-4]
        if name.startswith("stg_"):
            stg[name] = rel
        for parent in REF_RE.findall(text):
            children.setdefault(parent, set()).add(name)

    def downstream(n):
        seen, stack = set(), [n]
        while stack:
            for c in children.get(stack.pop(), ()):
                if c not in seen:
                    seen.add(c)
                    stack.append(c)
        return len(seen)

    scored = sorted((downstream(n), n) for n in stg)
    scored = [s for s in scored if s[0] > 0] or scored
    count, name = scored[len(scored) // 2]
    return name, stg[name], count


def edit_staging(path):
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    marker = "\n    from source\n"
    i = text.rfind(marker)
    if i < 0:
        raise SystemExit(f"cannot find edit marker in {path}")
    text = text[:i] + EDIT_LINE + text[i:]
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def setup_project(n, seed, work):
    """Generate the project into work/repo, commit on main, commit an edit on
    branch `change`, and leave the same edit staged on top of main."""
    repo = os.path.join(work, "repo")
    t0 = time.perf_counter()
    gen = generate_project.Generator(n, seed)
    files = gen.build()
    for rel, text in files.items():
        p = os.path.join(repo, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    t_gen = time.perf_counter() - t0
    name, rel, est = pick_staging_model(files)

    t0 = time.perf_counter()
    subprocess.run(["git", "init", "-q", "-b", "main", repo], env=git_env(), check=True)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"bench_proj with {n} models")
    git(repo, "checkout", "-q", "-b", "change")
    edit_staging(os.path.join(repo, rel))
    git(repo, "commit", "-q", "-am", f"edit {name}")
    git(repo, "checkout", "-q", "main")
    edit_staging(os.path.join(repo, rel))
    git(repo, "add", rel)
    t_git = time.perf_counter() - t0
    common = git(repo, "rev-parse", "--git-common-dir").decode().strip()
    gitdir = common if os.path.isabs(common) else os.path.normpath(os.path.join(repo, common))
    return {
        "repo": repo, "gitdir": gitdir, "files": len(files), "edited_model": name,
        "edited_path": rel, "estimated_downstream_models": est,
        "generate_s": round(t_gen, 3), "git_setup_s": round(t_git, 3),
        "domains": len(gen.domains),
        "sources": sum(len(v) for v in gen.sources.values()),
    }


def export_tree(repo, rev, dest):
    os.makedirs(dest)
    archive = subprocess.run(["git", "-C", repo, "archive", "--format=tar", rev],
                             env=git_env(), stdout=subprocess.PIPE, check=True).stdout
    subprocess.run(["tar", "-x", "-C", dest], input=archive, check=True)


# --------------------------------------------------------------------------- timing
def summarize(label, samples, rss, cpu, extra=None):
    row = {
        "command": label,
        "runs": len(samples),
        "median_ms": round(statistics.median(samples) * 1000, 1),
        "min_ms": round(min(samples) * 1000, 1),
        "samples_ms": [round(s * 1000, 1) for s in samples],
        "peak_mb": round(max(rss), 1),
        "cpu_median_ms": round(statistics.median(cpu) * 1000, 1),
    }
    if extra:
        row.update(extra)
    return row


def timed(label, cmd, repo, env, out, runs, cold, cache):
    """Run cmd `runs` times (warm: after one untimed priming run; cold: with the cache folder
    deleted before each run); return the wall seconds, peak MB and CPU seconds of each run."""
    if not cold:
        dt, rss, rc, cpu = measure(cmd, repo, env, out)
        if rc != 0:
            raise SystemExit(f"{label} priming failed (exit {rc}):\n" + tail(read(out)) + tail(read(out + ".err")))
    samples, rsss, cpus = [], [], []
    for _ in range(runs):
        if cold:
            shutil.rmtree(cache, ignore_errors=True)
        dt, rss, rc, cpu = measure(cmd, repo, env, out)
        if rc != 0:
            raise SystemExit(f"{label} failed (exit {rc}): {' '.join(cmd)}\n" + tail(read(out)) + tail(read(out + ".err")))
        samples.append(dt)
        rsss.append(rss)
        cpus.append(cpu)
    return samples, rsss, cpus


def setup_real(source, work):
    """A real dbt project's repository (a local clone, e.g. one of the history corpus): cloned
    into work/repo, its first staging model (by path; else its first model) edited on branch
    `change` and the same edit staged on top of the starting commit."""
    repo = os.path.join(work, "repo")
    t0 = time.perf_counter()
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", source, repo], env=git_env(), check=True)
    git(repo, "checkout", "-q", "-B", "main")
    files = git(repo, "ls-files", "-z").decode().split("\0")
    projects = sorted((os.path.dirname(f) for f in files if os.path.basename(f) == "dbt_project.yml"), key=len)
    if not projects:
        raise SystemExit(f"{source}: no dbt_project.yml in the repository")
    root = projects[0]
    prefix = (root + "/") if root else ""
    models = sorted(f for f in files if f.startswith(prefix + "models/") and f.endswith(".sql"))
    staging = [f for f in models if "/staging/" in f or os.path.basename(f).startswith("stg_")]
    if not models:
        raise SystemExit(f"{source}: no model under {prefix}models/")
    rel = (staging or models)[0]
    name = os.path.basename(rel)[:-4]

    def edit():
        with open(os.path.join(repo, rel), "a", encoding="utf-8") as fh:
            fh.write("\n-- bench edit\n")

    git(repo, "checkout", "-q", "-b", "change")
    edit()
    git(repo, "commit", "-q", "-am", f"edit {name}")
    git(repo, "checkout", "-q", "main")
    edit()
    git(repo, "add", rel)
    common = git(repo, "rev-parse", "--git-common-dir").decode().strip()
    gitdir = common if os.path.isabs(common) else os.path.normpath(os.path.join(repo, common))
    sql = sum(1 for f in files if f.startswith(prefix) and f.endswith(".sql"))
    return {
        "repo": repo, "gitdir": gitdir, "files": len(files), "sql_files": sql, "edited_model": name,
        "edited_path": rel, "source": os.path.basename(os.path.normpath(source)),
        "git_setup_s": round(time.perf_counter() - t0, 3),
    }


def run_real(rat, sources, runs, workdir):
    """rationale on real projects' repositories: impact --staged and --base cold and warm, and
    check warm when the staged session satisfies it (a real model may need more reasoning steps)."""
    entries = []
    for source in sources:
        log(f"== real project {source} ==")
        work = tempfile.mkdtemp(prefix="rationale-bench-real-", dir=workdir)
        try:
            setup = setup_real(source, work)
            scratch = os.path.join(work, "out")
            os.makedirs(scratch)
            rows, _ = run_rationale(rat, setup, runs, scratch)
            try:
                rows += run_check(rat, setup, runs, scratch)
            except SystemExit as refused:
                log(f"  check not timed: {str(refused).splitlines()[0]}")
            print_table(setup["sql_files"], setup, rows)
            entries.append({"setup": setup, "rows": rows})
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return entries


def run_rationale(rat, setup, runs, scratch):
    repo, cache = setup["repo"], os.path.join(setup["gitdir"], "rationale")
    env = git_env()
    cmds = [
        ("--staged", [rat, "impact", "--staged", "--format", "json"]),
        ("--base/--head", [rat, "impact", "--base", "main", "--head", "change",
                           "--format", "json"]),
    ]
    rows, outputs = [], {}
    for short, cmd in cmds:
        for temp in ("cold", "warm"):
            label = f"rationale {short} ({temp})"
            out = os.path.join(scratch, f"rationale-{short.strip('-').replace('/--', '-')}-{temp}.json")
            samples, rsss, cpus = timed(label, cmd, repo, env, out, runs, temp == "cold", cache)
            try:
                doc = json.loads(read(out))
            except ValueError as e:
                raise SystemExit(f"{label}: output is not JSON ({e}):\n" + read(out)[:2000])
            outputs[label] = doc
            sel = set(doc.get("modified", [])) | set(doc.get("downstream", []))
            rows.append(summarize(label, samples, rsss, cpus, {
                "tool": "rationale",
                "argv": cmd[1:],
                "modified": len(doc.get("modified", [])),
                "downstream": len(doc.get("downstream", [])),
                "selected": len(sel),
            }))
            log(f"    {label}: median {rows[-1]['median_ms']} ms, "
                f"peak {rows[-1]['peak_mb']} MB, selected {len(sel)}")
    return rows, outputs


SESSION_SUMMARY = """<!-- rationale:session title="Bench edit" kind=refactor started=2024-01-01 status=open -->
# Bench edit

## Problem, in my words
The staging model needs one more column for the benchmark, and every consumer must keep working.

## What was done
Added a marker column to {model}.

## Loops
<!-- rationale:loops:begin -->
_No loops._
<!-- rationale:loops:end -->

## Context decisions
Budget: 4000 tokens
Used: 1200 tokens

- loaded: {model} — the model being changed

## Reasoning
Transformation: {model} gains a trailing `bench_edit_marker` column because the benchmark needs an edit; no existing column or grain changes, so consumers keep working.
Quality: not affected — because the new column is a constant and no key or test changes.

## Excluded scope
Downstream models are not changed.

## Next session
Nothing left.
"""


def stage_session(setup):
    """Stage a valid session naming the edited model, so `check` does its whole job."""
    repo = setup["repo"]
    folder = os.path.join(repo, ".project", "sessions", "2024-01-01-bench-edit")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "SUMMARY.md"), "w", encoding="utf-8") as fh:
        fh.write(SESSION_SUMMARY.format(model=setup["edited_model"]))
    with open(os.path.join(folder, "LOOPS.md"), "w", encoding="utf-8") as fh:
        fh.write("# Loops\n\n## Loops\n")
    git(repo, "add", ".project")


def run_check(rat, setup, runs, scratch):
    """Time `rationale check` (the pre-commit hook) on the staged edit plus a staged session."""
    repo, cache = setup["repo"], os.path.join(setup["gitdir"], "rationale")
    env = git_env()
    stage_session(setup)
    cmd = [rat, "check", "--format", "json"]
    rows = []
    for temp in ("cold", "warm"):
        label = f"rationale check ({temp})"
        out = os.path.join(scratch, f"rationale-check-{temp}.json")
        samples, rsss, cpus = timed(label, cmd, repo, env, out, runs, temp == "cold", cache)
        doc = json.loads(read(out))
        if doc.get("result") != "passed":
            raise SystemExit(f"{label}: expected a pass, got {doc.get('result')}:\n" + read(out)[:2000])
        rows.append(summarize(label, samples, rsss, cpus, {
            "tool": "rationale", "argv": cmd[1:], "selected": len(doc.get("modified", [])),
        }))
        log(f"    {label}: median {rows[-1]['median_ms']} ms, peak {rows[-1]['peak_mb']} MB")
    git(repo, "rm", "-q", "-r", "--cached", ".project")
    shutil.rmtree(os.path.join(repo, ".project"), ignore_errors=True)
    return rows


def run_startup(rat, runs, scratch):
    """Time `rationale --version` (the floor every hook pays) and `rationale-net --version`."""
    rows = []
    for name in ("rationale", "rationale-net"):
        binary = os.path.join(os.path.dirname(rat), name)
        if not os.path.exists(binary):
            continue
        cmd = [binary, "--version"]
        out = os.path.join(scratch, f"{name}-version.txt")
        samples, rsss, cpus = timed(f"{name} --version", cmd, scratch, git_env(), out, max(runs, 20), False, None)
        rows.append(summarize(f"{name} --version", samples, rsss, cpus, {"tool": "startup", "argv": cmd[1:]}))
        log(f"    {name} --version: median {rows[-1]['median_ms']} ms, peak {rows[-1]['peak_mb']} MB")
    return rows


def dbt_version_from(text):
    m = re.search(r"Running with dbt=(\S+)", text)
    return m.group(1) if m else None


def run_dbt(dbt, setup, runs, work):
    """Base manifest from `dbt parse` on main (copied to state/, outside
    target/); untimed `dbt parse` on the head so partial parsing is warm, then
    time `dbt ls -s state:modified+ --state state/`."""
    repo = setup["repo"]
    base = os.path.join(work, "dbt-base")
    head = os.path.join(work, "dbt-head")
    state = os.path.join(work, "state")
    export_tree(repo, "main", base)
    export_tree(repo, "change", head)
    os.makedirs(state)
    rows, info = [], {}

    out = os.path.join(work, "dbt-parse-base.log")
    dt, rss, rc, cpu = measure([dbt, "parse", "--no-partial-parse"], base, dbt_env(base), out)
    if rc != 0:
        raise SystemExit(f"dbt parse (base) failed (exit {rc}):\n" + tail(read(out)) +
                         tail(read(out + ".err")))
    info["dbt_version"] = dbt_version_from(read(out))
    shutil.copy(os.path.join(base, "target", "manifest.json"), state)
    rows.append(summarize("dbt parse (full, base; info)", [dt], [rss], [cpu],
                          {"tool": "dbt-info"}))
    log(f"    dbt parse (full, base): {dt:.1f} s, peak {rss:.0f} MB")

    out = os.path.join(work, "dbt-parse-head.log")
    dt, rss, rc, cpu = measure([dbt, "parse"], head, dbt_env(head), out)
    if rc != 0:
        raise SystemExit(f"dbt parse (head) failed (exit {rc}):\n" + tail(read(out)))
    log(f"    dbt parse (head, untimed priming): {dt:.1f} s")

    cmd = [dbt, "ls", "-s", "state:modified+", "--state", state,
           "--output", "json", "--output-keys", "unique_id resource_type"]
    samples, rsss, cpus = [], [], []
    for i in range(runs):
        out = os.path.join(work, f"dbt-ls-{i}.log")
        dt, rss, rc, cpu = measure(cmd, head, dbt_env(head), out)
        if rc != 0:
            raise SystemExit(f"dbt ls failed (exit {rc}):\n" + tail(read(out)))
        samples.append(dt)
        rsss.append(rss)
        cpus.append(cpu)
    text = read(out)
    if "Unable to do partial parsing" in text:
        info["warning"] = "dbt ls did not use partial parsing"
        log("    WARNING: dbt ls did not use partial parsing:\n" + tail(text, 5))
    selected = {}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                o = json.loads(line)
            except ValueError:
                continue
            if "unique_id" in o:
                selected[o["unique_id"]] = o.get("resource_type")
    by_type = {}
    for t in selected.values():
        by_type[t] = by_type.get(t, 0) + 1
    rows.append(summarize("dbt ls -s state:modified+", samples, rsss, cpus, {
        "tool": "dbt", "argv": cmd[1:], "selected": len(selected),
        "selected_by_type": by_type}))
    log(f"    dbt ls -s state:modified+: median {rows[-1]['median_ms']} ms, "
        f"peak {rows[-1]['peak_mb']} MB, selected {len(selected)} {by_type}")
    return rows, selected, info


def ids_of(items):
    out = set()
    for x in items or []:
        if isinstance(x, str):
            out.add(x)
        elif isinstance(x, dict) and "unique_id" in x:
            out.add(x["unique_id"])
    return out


def sanity_check(rat_outputs, dbt_selected):
    """Compare |modified ∪ downstream| with |dbt state:modified+|. dbt's set
    includes tests and exposures; rationale lists those separately, so also
    compare against dbt's set without tests, and with rationale's own tests
    and exposures added."""
    checks = []
    dbt_all = set(dbt_selected)
    dbt_no_tests = {u for u, t in dbt_selected.items() if t not in ("test", "unit_test")}
    for label, doc in rat_outputs.items():
        rat = set(doc.get("modified", [])) | set(doc.get("downstream", []))
        rat_plus = rat | ids_of(doc.get("tests")) | ids_of(doc.get("exposures"))
        c = {"command": label, "rationale_selected": len(rat),
             "rationale_with_tests_exposures": len(rat_plus),
             "dbt_selected": len(dbt_all), "dbt_selected_without_tests": len(dbt_no_tests)}
        if len(rat) == len(dbt_all):
            c["match"] = f"|modified+downstream| = |dbt set| = {len(rat)}"
        elif len(rat_plus) == len(dbt_all):
            c["match"] = f"|modified+downstream+tests+exposures| = |dbt set| = {len(rat_plus)}"
        elif len(rat) == len(dbt_no_tests):
            c["match"] = (f"|modified+downstream| = |dbt set without tests| = {len(rat)} "
                          f"(dbt set with tests: {len(dbt_all)})")
        if c.get("match"):
            c["same_ids"] = rat == dbt_no_tests or rat == dbt_all or rat_plus == dbt_all
        if not c.get("match"):
            c["match"] = None
            ref = dbt_all if any(u.startswith("test.") for u in rat_plus) else dbt_no_tests
            missing = sorted(ref - rat_plus)
            extra = sorted(rat_plus - ref)
            c["only_dbt_sample"] = missing[:10]
            c["only_rationale_sample"] = extra[:10]
            c["only_dbt"] = len(missing)
            c["only_rationale"] = len(extra)
        checks.append(c)
    return checks


def busy_cpus(interval=1.0):
    """CPUs kept busy by other processes over `interval` seconds (from
    /proc/stat; None where that does not exist). Unlike the load average it
    does not remember this harness's own dbt run of a moment ago."""
    def sample():
        with open("/proc/stat") as fh:
            v = [int(x) for x in fh.readline().split()[1:]]
        idle = v[3] + (v[4] if len(v) > 4 else 0)
        return sum(v), idle
    try:
        t1, i1 = sample()
        time.sleep(interval)
        t2, i2 = sample()
    except (OSError, ValueError):
        return None
    if t2 == t1:
        return 0.0
    return round((1 - (i2 - i1) / (t2 - t1)) * (os.cpu_count() or 1), 2)


def load_avg():
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (OSError, AttributeError):
        return None


# --------------------------------------------------------------------------- reporting
def print_table(size, setup, rows, busy=None):
    dbt_row = next((r for r in rows if r.get("tool") == "dbt"), None)
    print()
    if "source" in setup:
        print(f"== real project {setup['source']}  ({setup['sql_files']:,} .sql files, {setup['files']:,} files; "
              f"edited {setup['edited_model']}) ==")
    else:
        print(f"== {size:,} models  ({setup['files']:,} files, {setup['domains']} domains; "
              f"edited {setup['edited_model']}) ==")
    if busy is not None:
        print(f"   CPUs busy with other work: {busy[0]} at start, {busy[1]} at end "
              f"(of {os.cpu_count()})")
    hdr = (f"{'command':<36} {'runs':>4} {'median ms':>10} {'min ms':>10} {'peak MB':>8} "
           f"{'dbt/this':>9} {'cpu ms':>10} {'selected':>8}")
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        ratio = ""
        if dbt_row and r.get("tool") == "rationale" and r["median_ms"] > 0:
            ratio = f"{dbt_row['median_ms'] / r['median_ms']:.1f}x"
            r["dbt_over_this"] = round(dbt_row["median_ms"] / r["median_ms"], 2)
        sel = r.get("selected", "")
        print(f"{r['command']:<36} {r['runs']:>4} {r['median_ms']:>10.1f} {r['min_ms']:>10.1f} "
              f"{r['peak_mb']:>8.1f} {ratio:>9} {r['cpu_median_ms']:>10.1f} {sel!s:>8}")


def check_targets(results, startup):
    """PASS/FAIL against issue 17's targets, for the sizes that were run."""
    out = []
    print()
    print("Targets (medians):")

    def verdict(label, value, limit, unit, above=False):
        ok = value >= limit if above else value <= limit
        out.append({"check": f"{label} {'>=' if above else '<='} {limit:g} {unit}", "value": value, "ok": ok})
        print(f"  {'PASS' if ok else 'FAIL'}  {label:<46} {value:10.1f} {unit:<3} (target {'>=' if above else '<='} {limit:g})")

    row = next((r for r in startup if r["command"] == "rationale --version"), None)
    if row:
        verdict("rationale --version", row["median_ms"], TARGET_STARTUP_MS, "ms")
    for res in results:
        rows = {r["command"]: r for r in res["rows"]}
        for label, key, limit in TARGETS.get(res["models"], []):
            if label in rows:
                verdict(f"{label} at {res['models']:,}", rows[label][key], limit, "ms")
        peak_limit = TARGET_PEAK_MB.get(res["models"])
        peaks = [r["peak_mb"] for r in res["rows"] if r.get("tool") == "rationale"]
        if peak_limit and peaks:
            verdict(f"rationale peak RSS at {res['models']:,}", max(peaks), peak_limit, "MB")
        size, ratio = TARGET_RATIO
        dbt_row = rows.get("dbt ls -s state:modified+")
        check_row = rows.get("rationale check (warm)")
        if res["models"] == size and dbt_row and check_row and check_row["median_ms"] > 0:
            verdict(f"dbt ls / warm check at {size:,}", dbt_row["median_ms"] / check_row["median_ms"], ratio, "x", above=True)
    return out


def growth(results):
    sizes = sorted(r["models"] for r in results)
    small, large = (sizes[0], sizes[-1]) if sizes else (0, 0)
    a = next((r for r in results if r["models"] == small), None)
    b = next((r for r in results if r["models"] == large), None)
    print()
    if not a or not b or small == large:
        print(f"Growth {small:,} -> {large:,}: not measured (both sizes needed).")
        return []
    ra = {r["command"]: r for r in a["rows"]}
    rb = {r["command"]: r for r in b["rows"]}
    proj = large / small
    out = []
    print(f"Growth {small:,} -> {large:,} models (project x{proj:g}); cost should follow the "
          f"change (selected set), not the project:")
    print(f"  {'command':<36} {'time':>8} {'peak':>8} {'selected':>16}")
    for label, r1 in ra.items():
        r2 = rb.get(label)
        if not r2 or r1["median_ms"] <= 0:
            continue
        t = r2["median_ms"] / r1["median_ms"]
        m = r2["peak_mb"] / r1["peak_mb"] if r1["peak_mb"] else 0
        s1, s2 = r1.get("selected"), r2.get("selected")
        sel = f"{s1} -> {s2}" if s1 is not None else ""
        verdict = ""
        if r1.get("tool") == "rationale" and "(warm)" in label:
            verdict = "  ok (sub-linear)" if t <= proj / 2 else "  WARN: grows with the project"
        elif r1.get("tool") == "rationale":
            verdict = "  (cold: parses the whole project once)"
        print(f"  {label:<36} x{t:>6.2f} x{m:>6.2f} {sel:>16}{verdict}")
        out.append({"command": label, "time_ratio": round(t, 2), "peak_ratio": round(m, 2),
                    "selected": [s1, s2], "project_ratio": proj})
    return out


# --------------------------------------------------------------------------- main
def resolve_rationale(args):
    if args.no_rationale:
        return None
    path = args.rationale or os.environ.get("RATIONALE_BIN") or os.path.join(
        ROOT, ".build", "release", "rationale")
    path = os.path.abspath(path)
    if not os.path.exists(path):
        if args.rationale or os.environ.get("RATIONALE_BIN"):
            raise SystemExit(f"rationale binary not found: {path}")
        log(f"{path} missing: running `swift build -c release` in {ROOT} ...")
        r = subprocess.run(["swift", "build", "-c", "release"], cwd=ROOT)
        if r.returncode != 0 or not os.path.exists(path):
            raise SystemExit("swift build -c release failed; pass --rationale PATH or --no-rationale")
    return path


def resolve_dbt(args):
    if args.no_dbt:
        return None
    cand = args.dbt or os.environ.get("DBT") or "dbt"
    found = shutil.which(cand)
    venv_dbt = os.path.join(ROOT, ".build", "oracle-venv", "bin", "dbt")
    if not found and not (args.dbt or os.environ.get("DBT")) and os.access(venv_dbt, os.X_OK):
        found = venv_dbt
    if not found:
        raise SystemExit(f"dbt executable not found ({cand}); pass --dbt PATH, set $DBT, or use --no-dbt")
    return os.path.abspath(found)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Benchmark rationale impact vs dbt ls state:modified+.")
    ap.add_argument("--sizes", default="5000,20000,50000",
                    help="comma-separated model counts (default: %(default)s)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per rationale command")
    ap.add_argument("--dbt-runs", type=int, default=None,
                    help="timed dbt ls runs (default: --runs up to 5,000 models, 1 above)")
    ap.add_argument("--rationale", help="rationale binary (default: $RATIONALE_BIN or "
                    ".build/release/rationale, built with swift build -c release if missing)")
    ap.add_argument("--dbt", help="dbt executable (default: $DBT or dbt)")
    ap.add_argument("--no-dbt", action="store_true", help="skip the dbt side")
    ap.add_argument("--no-rationale", action="store_true",
                    help="skip rationale (prove the harness / time dbt only)")
    ap.add_argument("--seed", type=int, default=42, help="generator seed")
    ap.add_argument("--real", action="append", default=[],
                    help="a real dbt project's git repository (a local path, e.g. a history-corpus clone); "
                         "rationale is timed on a staged edit of its first staging model (repeatable)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary projects")
    ap.add_argument("--workdir", help="parent for temporary projects (default: system temp)")
    ap.add_argument("--out", help="JSON results path (default: bench/out/results-<date>.json)")
    args = ap.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]

    rat = resolve_rationale(args)
    dbt = resolve_dbt(args)
    if not rat and not dbt:
        raise SystemExit("nothing to run: both --no-rationale and --no-dbt")

    started = datetime.datetime.now()
    meta = {
        "started": started.isoformat(timespec="seconds"),
        "host": platform.node(), "platform": platform.platform(),
        "cpus": os.cpu_count(), "python": platform.python_version(),
        "git": subprocess.run(["git", "--version"], stdout=subprocess.PIPE,
                              text=True).stdout.strip(),
        "rationale": rat, "dbt": dbt, "runs": args.runs, "seed": args.seed,
        "sizes": sizes,
    }
    if rat:
        try:
            meta["rationale_commit"] = subprocess.run(
                ["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, text=True, env=git_env()).stdout.strip() or None
        except OSError:
            pass
    results = []
    startup = []
    if rat:
        scratch = tempfile.mkdtemp(prefix="rationale-bench-startup-", dir=args.workdir)
        try:
            log("== start-up ==")
            startup = run_startup(rat, args.runs, scratch)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        print()
        print("== start-up ==")
        for r in startup:
            print(f"{r['command']:<36} {r['runs']:>4} median {r['median_ms']:>7.1f} ms  min {r['min_ms']:>7.1f} ms  "
                  f"cpu {r['cpu_median_ms']:>7.1f} ms  peak {r['peak_mb']:>6.1f} MB")
    for n in sizes:
        log(f"== {n:,} models ==")
        work = tempfile.mkdtemp(prefix=f"rationale-bench-{n}-", dir=args.workdir)
        try:
            setup = setup_project(n, args.seed, work)
            log(f"  generated {setup['files']} files in {setup['generate_s']} s, git in "
                f"{setup['git_setup_s']} s; edited {setup['edited_model']} "
                f"(~{setup['estimated_downstream_models']} downstream models)")
            rows, entry = [], {"models": n, "setup": setup, "loadavg_start": load_avg(),
                               "busy_cpus_start": busy_cpus()}
            if entry["busy_cpus_start"] is not None and entry["busy_cpus_start"] > 0.5:
                log(f"  WARNING: machine busy ({entry['busy_cpus_start']:.1f} of "
                    f"{os.cpu_count()} CPUs in use by other processes): wall-clock "
                    "timings may be inflated; compare with the cpu ms column")
            rat_out = {}
            if rat:
                scratch = os.path.join(work, "out")
                os.makedirs(scratch)
                r, rat_out = run_rationale(rat, setup, args.runs, scratch)
                rows += r
                rows += run_check(rat, setup, args.runs, scratch)
            if dbt and n <= DBT_MAX_SIZE:
                druns = args.dbt_runs or (args.runs if n <= 5000 else 1)
                r, dbt_sel, info = run_dbt(dbt, setup, druns, work)
                rows += r
                entry["dbt_info"] = info
                if rat_out:
                    checks = sanity_check(rat_out, dbt_sel)
                    entry["sanity"] = checks
            entry["rows"] = rows
            entry["loadavg_end"] = load_avg()
            entry["busy_cpus_end"] = busy_cpus()
            results.append(entry)
            # rationale rows first, then dbt, then info rows
            order = {"rationale": 0, "dbt": 1, "dbt-info": 2}
            rows.sort(key=lambda r: order.get(r.get("tool"), 3))
            print_table(n, setup, rows, None if entry["busy_cpus_start"] is None
                        else (entry["busy_cpus_start"], entry["busy_cpus_end"]))
            for c in entry.get("sanity", []):
                if c["match"] is None:
                    print(f"WARNING: {c['command']}: rationale selects {c['rationale_selected']} "
                          f"(+tests/exposures {c['rationale_with_tests_exposures']}), dbt "
                          f"state:modified+ selects {c['dbt_selected']} "
                          f"({c['dbt_selected_without_tests']} without tests); "
                          f"only dbt e.g. {c['only_dbt_sample'][:3]}, "
                          f"only rationale e.g. {c['only_rationale_sample'][:3]}")
                else:
                    print(f"sanity ok: {c['command']}: {c['match']}"
                          + ("" if c.get("same_ids") else " (sizes agree, ids differ)"))
            sys.stdout.flush()
        finally:
            if args.keep:
                log(f"  kept {work}")
            else:
                shutil.rmtree(work, ignore_errors=True)

    real = run_real(rat, args.real, args.runs, args.workdir) if rat and args.real else []
    summary = {"meta": meta, "startup": startup, "results": results, "real": real}
    if rat:
        summary["targets"] = check_targets(results, startup)
        summary["growth"] = growth(results)
    else:
        growth(results)
    meta["finished"] = datetime.datetime.now().isoformat(timespec="seconds")
    out = args.out or os.path.join(BENCH_DIR, "out",
                                   f"results-{started.strftime('%Y-%m-%d-%H%M%S')}.json")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as fh:
        json.dump(summary, fh, indent=2, sort_keys=False)
        fh.write("\n")
    print(f"\nresults: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
