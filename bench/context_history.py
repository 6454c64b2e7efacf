#!/usr/bin/env python3
"""Context packs on real history: does `rationale context` give a pack that holds the diff?

    bench/context_history.py [--rationale PATH] [--budgets 1000,2000,5000] [--models 50]
                             [--others 20] [--seed 12] [--project NAME] [--show SHA]

For the projects of the history corpus (Tests/history/corpus.json; the repositories under
$HISTORY_REPOS, as for `make history`), it samples commits from each project's first-parent
history, deterministically (the seed):

- one-model edits: exactly one model `.sql` file modified (no other `.sql`/`.py` in the project);
- macro edits: a macro file modified, no model `.sql`;
- YAML edits: only `.yml` files of the project changed (schema YAML, dbt_project.yml).

For each commit C (first parent P) and each budget, it runs `rationale context --base P --head C
--budget B --format json` in a clone and checks:

- a pack came out (exit 0) and stays within its budget;
- it holds the diff: every added and removed line of every changed file of the project
  (`git diff -U0 P C`) is in the pack;
- the share of the budget spent on the diff, the changed models' SQL and the direct children
  (from the pack's `sections` when it states them, else read off the Markdown).

It prints a line per commit and the totals (packs produced, packs holding the diff, median share),
and writes nothing in the project. Python standard library only; fetches nothing.
"""

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "Tests" / "history"))
import run_history  # noqa: E402  (find_repo, git_env)


def estimate(text: str) -> int:
    """The pack's own estimate (Sources/Sessions/TokenEstimate.swift), for reading old packs."""
    halves = letters = digits = 0
    in_space = newline = False

    def flush():
        nonlocal halves, letters, digits, in_space, newline
        if letters:
            halves += 2 * ((letters + 4) // 5)
            letters = 0
        if digits:
            halves += 2 * ((digits + 2) // 3)
            digits = 0
        if in_space:
            if newline:
                halves += 1
            in_space = newline = False

    for byte in text.encode():
        if 97 <= byte <= 122 or 65 <= byte <= 90:
            if digits or in_space:
                flush()
            letters += 1
        elif 48 <= byte <= 57:
            if letters or in_space:
                flush()
            digits += 1
        elif byte in (32, 9, 10, 13):
            if letters or digits:
                flush()
            in_space = True
            if byte == 10:
                newline = True
        elif 0x80 <= byte <= 0xBF:
            continue
        else:
            flush()
            halves += 2
    flush()
    return (halves + 1) // 2


def git(repo, *args):
    return run_history.git(Path(repo), *args)


def classify(repo: Path, parent: str, sha: str, projects: list[str]) -> tuple[str | None, list[str]]:
    """The kind of a commit (one-model, macro, yaml or None) and its changed files in the projects."""
    out = git(repo, "diff-tree", "-r", "--no-renames", "--name-status", parent, sha)
    files = []
    for line in out.splitlines():
        status, _, path = line.partition("\t")
        for sub in projects:
            if not sub or path.startswith(sub + "/"):
                rel = path[len(sub) + 1:] if sub else path
                files.append((status, path, rel))
                break
    if not files or len(files) > 12:
        return None, []
    code = [f for f in files if f[1].endswith((".sql", ".py"))]
    models = [f for f in code if f[2].startswith("models/")]
    macros = [f for f in code if f[2].startswith("macros/")]
    paths = [f[1] for f in files]
    if len(code) == 1 and len(models) == 1 and models[0][0] == "M":
        return "one-model", paths
    if macros and not models and all(f[0] == "M" for f in macros) and len(code) == len(macros):
        return "macro", paths
    if not code and all(f[1].endswith((".yml", ".yaml")) for f in files) and all(f[0] == "M" for f in files):
        return "yaml", paths
    return None, paths


ARTIFACTS = {"manifest.json", "catalog.json", "run_results.json", "sources.json", "semantic_manifest.json",
             "partial_parse.msgpack", "graph.gpickle", "graph_summary.json"}


def is_artifact(path: str) -> bool:
    """dbt's own output committed by mistake: the pack states its size, not its text (as rationale)."""
    parts = path.split("/")
    return parts[-1] in ARTIFACTS or any(p in ("target", "dbt_packages", "logs") for p in parts[:-1])


def changed_lines(repo: Path, parent: str, sha: str, paths: list[str]) -> list[str]:
    """Added and removed lines (their text, without the +/-), blank ones left out; dbt artifacts left out."""
    paths = [p for p in paths if not is_artifact(p)]
    if not paths:
        return []
    out = git(repo, "diff", "-U0", "--no-color", parent, sha, "--", *paths)
    lines = []
    for line in out.splitlines():
        if line.startswith(("+++", "---")):
            continue
        if line[:1] in "+-" and line[1:].strip():
            lines.append(line[1:])
    return lines


def shares(data: dict) -> dict:
    """Tokens spent on the diff, the changed models' SQL and the direct children."""
    sections = data.get("sections")
    if sections:
        spent = {"diff": 0, "sql": 0, "children": 0}
        for s in sections:
            if s.get("kind") in spent:
                spent[s["kind"]] += s.get("tokens", 0)
        return spent
    # Older packs: read the Markdown.
    md = data.get("markdown", "")
    spent = {"diff": 0, "sql": 0, "children": 0}
    for m in re.finditer(r"```(diff|sql|python)\n(.*?)\n```", md, re.S):
        spent["diff" if m.group(1) == "diff" else "sql"] += estimate(m.group(0))
    for line in md.splitlines():
        if line.startswith("- `") and "(child;" in line:
            spent["children"] += estimate(line)
    return spent


def sample(entry: dict, repo: Path, rng: random.Random, depth: int) -> dict:
    # The dbt projects and the local packages they install (tuva's is the repository's root).
    projects = sorted(set(entry["dbt_projects"]) | {d for dirs in (entry.get("local_package_dirs") or {}).values() for d in dirs},
                      key=lambda d: -len(d))
    shas = git(repo, "rev-list", "--first-parent", f"--max-count={depth}", "HEAD").split()
    kinds: dict = {"one-model": [], "macro": [], "yaml": []}
    for sha in shas:
        parents = git(repo, "rev-list", "--parents", "-n", "1", sha).split()[1:]
        if not parents:
            continue
        kind, paths = classify(repo, parents[0], sha, projects)
        if kind:
            kinds[kind].append((sha, parents[0], paths))
    for k in kinds:
        rng.shuffle(kinds[k])
    return kinds


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rationale", default=os.environ.get("RATIONALE_BIN") or str(ROOT / ".build/release/rationale"))
    ap.add_argument("--budgets", default="1000,2000,5000")
    ap.add_argument("--models", type=int, default=50, help="one-model edits to sample")
    ap.add_argument("--others", type=int, default=20, help="macro and YAML edits to sample (half each)")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--depth", type=int, default=1500, help="first-parent commits to look through per project")
    ap.add_argument("--project", action="append", help="only this corpus entry (repeatable)")
    ap.add_argument("--show", help="print the pack of this commit (a prefix) at each budget")
    ap.add_argument("--json", help="write the per-commit records here")
    args = ap.parse_args(argv)
    budgets = [int(b) for b in args.budgets.split(",")]
    corpus = json.loads((ROOT / "Tests/history/corpus.json").read_text())["projects"]
    if args.project:
        corpus = [e for e in corpus if e["name"] in args.project]
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="context-history-"))
    picked = []
    pools = {}
    for entry in corpus:
        repo = run_history.find_repo(entry["repo"])
        pools[entry["name"]] = (entry, repo, sample(entry, repo, rng, args.depth))
    # Round-robin over the projects so that no one project fills the sample.
    for kind, wanted in (("one-model", args.models), ("macro", args.others // 2), ("yaml", args.others - args.others // 2)):
        queues = {name: list(p[2][kind]) for name, p in pools.items()}
        taken = 0
        while taken < wanted and any(queues.values()):
            for name in list(queues):
                if taken >= wanted:
                    break
                if queues[name]:
                    sha, parent, paths = queues[name].pop(0)
                    picked.append((name, kind, sha, parent, paths))
                    taken += 1
    if args.show:
        picked = [p for p in picked if p[2].startswith(args.show)] or [
            (name, "shown", sha, run_history.git(pools[name][1], "rev-parse", sha + "^").strip(), [])
            for name in pools for sha in [run_history.git(pools[name][1], "rev-parse", args.show).strip()]]
    clones = {}
    records = []
    for name, kind, sha, parent, paths in picked:
        entry, repo, _ = pools[name]
        if name not in clones:
            clone = work / name
            subprocess.run(["git", "clone", "-q", "--shared", "--no-checkout", str(repo), str(clone)], check=True,
                           env=run_history.git_env())
            clones[name] = clone
        clone = clones[name]
        lines = changed_lines(clone, parent, sha, paths) if paths else []
        rec = {"project": name, "kind": kind, "commit": sha, "files": paths, "budgets": {}}
        for budget in budgets:
            p = subprocess.run([args.rationale, "context", "--base", parent, "--head", sha, "--budget", str(budget),
                                "--format", "json"], cwd=clone, capture_output=True, text=True,
                               env=run_history.git_env(), timeout=600)
            r = {"exit": p.returncode}
            if p.returncode == 0:
                data = json.loads(p.stdout)
                md = data["markdown"]
                missing = [line for line in lines if line not in md]
                spent = shares(data)
                r.update(tokens=data["tokens"], within=data["tokens"] <= budget, holds_diff=not missing,
                         missing=len(missing), spent=spent, share=sum(spent.values()) / budget)
                if args.show:
                    print(md)
            else:
                r["error"] = p.stderr.strip()[-300:]
            rec["budgets"][budget] = r
        records.append(rec)
        cells = []
        for budget in budgets:
            r = rec["budgets"][budget]
            if r["exit"] != 0:
                cells.append(f"{budget}: refused")
            else:
                cells.append(f"{budget}: {r['tokens']}{'' if r['holds_diff'] else ' NO-DIFF(' + str(r['missing']) + ')'} "
                             f"{r['share']:.0%}")
        print(f"{name:28} {kind:9} {sha[:10]} {len(paths):2} files {len(lines):4} lines | " + " | ".join(cells), flush=True)
    print()
    total = len(records)
    for budget in budgets:
        rs = [rec["budgets"][budget] for rec in records]
        made = [r for r in rs if r["exit"] == 0]
        holding = [r for r in made if r["holds_diff"] and r["within"]]
        med = statistics.median([r["share"] for r in made]) if made else 0
        print(f"budget {budget:5}: pack produced {len(made)}/{total}, holding the whole diff {len(holding)}/{total}, "
              f"median share on diff + SQL + direct children {med:.0%}")
    for kind in ("one-model", "macro", "yaml"):
        n = len([r for r in records if r["kind"] == kind])
        print(f"  {kind}: {n} commits")
    if args.json:
        Path(args.json).write_text(json.dumps(records, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
