#!/usr/bin/env python3
"""Proposes commits of a repository for corpus.json, with the "kinds" of change each one is.

    python3 Tests/history/select_commits.py OWNER/NAME FOLDER [FOLDER...] [--since 2023-06-01]
        [--recent N] [--extra M] [--json]

Walks the first-parent history of the repository (found under $HISTORY_REPOS like
run_history.py does) for commits that touch one of the dbt project FOLDERs ("" or "." for the
root), tags each with kinds from the files it touches and its diff (macro-only, yaml-only,
dbt_project, seeds, sources, snapshots, rename, delete, tags-meta, hooks, contract, versions,
package-bump, new-model, sql-edit, python-model, merge, ...), and proposes the N most recent ones
(a contiguous run: the dbt state of one commit is the parent state of the next) plus up to M
older ones for kinds the run lacks. --json prints corpus.json "commits" entries.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_history import find_repo, git  # noqa: E402

HARD_KINDS = ["macro-only", "yaml-only", "dbt_project", "seeds", "sources", "snapshots", "rename", "delete",
              "tags-meta", "hooks", "contract", "versions", "package-bump", "new-model", "python-model",
              "analysis", "tests-only", "docs-md", "selectors", "exposures", "semantic", "merge"]


def kinds_of(repo: Path, sha: str, folders: list[str]) -> tuple[list[str], list[str]]:
    parents = git(repo, "rev-list", "--parents", "-n1", sha).split()[1:]
    if not parents:
        return [], []
    p = parents[0]
    out = git(repo, "diff", "--name-status", "-M", p, sha, check=False) or \
        git(repo, "diff", "--name-status", "--no-renames", p, sha, check=False)
    status = [l.split("\t") for l in out.splitlines() if l]
    pref = [f.strip("/") + "/" if f.strip("/.") else "" for f in folders]
    inside = []
    for st in status:
        paths = st[1:]
        if any(x.startswith(pf) for x in paths for pf in pref):
            inside.append(st)
    kinds = set()
    if len(parents) > 1:
        kinds.add("merge")
    rel = []
    for st in inside:
        code = st[0][0]
        path = st[-1]
        for pf in pref:
            if path.startswith(pf):
                path = path[len(pf):]
                break
        rel.append((code, path, st))
        low = path.lower()
        parts = low.split("/")
        if code == "R":
            kinds.add("rename")
        if code == "D":
            kinds.add("delete")
        if low.endswith("dbt_project.yml") and len(parts) == 1:
            kinds.add("dbt_project")
        if parts[-1] in ("packages.yml", "dependencies.yml", "package-lock.yml"):
            kinds.add("package-bump")
        if low.endswith(".csv") or parts[0] == "seeds":
            kinds.add("seeds")
        if parts[0] == "snapshots" or "/snapshots/" in low:
            kinds.add("snapshots")
        if parts[0] == "analyses" or parts[0] == "analysis":
            kinds.add("analysis")
        if parts[0] == "models" and low.endswith(".sql") and code == "A":
            kinds.add("new-model")
        if parts[0] == "models" and low.endswith(".sql") and code == "M":
            kinds.add("sql-edit")
        if parts[0] == "models" and low.endswith(".py"):
            kinds.add("python-model")
        if low.endswith(".md"):
            kinds.add("docs-md")
        if parts[-1] == "selectors.yml":
            kinds.add("selectors")
    exts = {r[1].rsplit(".", 1)[-1].lower() for r in rel if "." in r[1]}
    tops = {r[1].split("/")[0] for r in rel}
    if rel and tops <= {"macros"}:
        kinds.add("macro-only")
    if rel and exts <= {"yml", "yaml"}:
        kinds.add("yaml-only")
    if rel and tops <= {"tests"}:
        kinds.add("tests-only")
    if inside:
        diff = git(repo, "diff", "-U0", p, sha, "--", *[f or "." for f in (x.rstrip("/") for x in pref)], check=False)
        if not diff.strip():
            kinds.add("missing-blob")
        added = [l[1:] for l in diff.splitlines() if l[:1] in "+-" and not l.startswith(("+++", "---"))]
        text = "\n".join(added)
        if re.search(r"\b(pre_hook|post_hook|pre-hook|post-hook|on-run-start|on-run-end)\b", text):
            kinds.add("hooks")
        if re.search(r"\bcontract\b|\benforced\b", text):
            kinds.add("contract")
        if re.search(r"^\s*(versions|latest_version|- v)\s*:", text, re.M):
            kinds.add("versions")
        if re.search(r"^\s*sources\s*:|\bsource\(|loaded_at_field|freshness", text, re.M):
            kinds.add("sources")
        if re.search(r"^\s*(exposures)\s*:", text, re.M):
            kinds.add("exposures")
        if re.search(r"semantic_models|metrics\s*:", text):
            kinds.add("semantic")
        changed = [l.strip() for l in added if l.strip()]
        if changed and all(re.match(r"^(\+?\s*)?(-\s*)?[\"']?[A-Za-z0-9_\-\"' ]*[\"']?$|^[\"+]*(tags|meta)\b|tags|meta", c)
                           for c in changed) and any(re.search(r"\b(tags|meta)\b", c) for c in changed):
            kinds.add("tags-meta")
    return sorted(kinds), [s[0] + " " + s[-1] for s in inside]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("repo")
    ap.add_argument("folders", nargs="+")
    ap.add_argument("--since", default="2023-06-01")
    ap.add_argument("--rev", default="HEAD")
    ap.add_argument("--recent", type=int, default=40)
    ap.add_argument("--skip-recent", type=int, default=0, help="start the recent run this many commits back")
    ap.add_argument("--extra", type=int, default=10)
    ap.add_argument("--paths", nargs="*", help="only commits touching these pathspecs (default: the folders)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    repo = find_repo(args.repo)
    folders = ["" if f in (".", "") else f for f in args.folders]
    paths = args.paths or [f or "." for f in folders]
    shas = git(repo, "rev-list", "--first-parent", f"--since={args.since}", args.rev, "--", *paths).split()
    rows = []
    for sha in shas:
        kinds, files = kinds_of(repo, sha, folders)
        if not files or "missing-blob" in kinds:
            continue
        subj = git(repo, "log", "-1", "--format=%cs %s", sha).strip()
        rows.append({"sha": sha, "kinds": kinds, "subject": subj, "files": files})
    recent = rows[args.skip_recent:args.skip_recent + args.recent]
    have = Counter(k for r in recent for k in r["kinds"])
    extra = []
    for r in rows[args.skip_recent + args.recent:]:
        if len(extra) >= args.extra:
            break
        new = [k for k in r["kinds"] if k in HARD_KINDS and have[k] == 0]
        if new and len(r["files"]) <= 40:
            extra.append(r)
            have.update(r["kinds"])
    chosen = recent + extra
    if args.json:
        print(json.dumps([{"sha": r["sha"], "kinds": r["kinds"], "subject": r["subject"][:100]} for r in chosen], indent=1))
    else:
        for r in chosen:
            print(f"{r['sha'][:10]} {r['subject'][:70]:70} {','.join(r['kinds'])}  [{len(r['files'])} files]")
        print(f"{len(rows)} commits touch the project(s) since {args.since}; chosen {len(chosen)}; kinds: "
              + ", ".join(f"{k}={v}" for k, v in sorted(have.items())), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
