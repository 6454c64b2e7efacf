#!/usr/bin/env python3
"""Compare `rationale context --manifest` packs with dbt-mp's offline slim manifest.

    bench/context_manifest.py --manifest PATH [--dbt-mp PATH] [--rationale PATH] [--model NAME]
                              [--budgets 1000,2000,5000]

On a real dbt manifest (e.g. the 2,000-model one `bench/manifest.py --keep` parses): the state is
the manifest as dbt wrote it, the head the same with one staging model's `raw_code` edited. For
that change it prints, per budget, the size of `rationale context --manifest head --state state`
(bytes, and tokens by `rationale tokens`), and the size of `dbt-mp --offline` for the selections
an agent would ask it for (`model+`, `1+model+`). Python standard library only; dbt-mp comes from
its own venv (`pip install dbt-mp`); nothing is downloaded at run time.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def tokens(rationale, path):
    out = subprocess.run([rationale, "tokens", "--format", "json", path], capture_output=True, check=True, text=True)
    return json.loads(out.stdout)[0]["tokens"]


def pick_model(manifest):
    """A staging model of the project with the most children (so the pack has something to cut)."""
    project = manifest["metadata"]["project_name"]
    children = manifest.get("child_map", {})
    models = [k for k, v in manifest["nodes"].items()
              if v.get("resource_type") == "model" and v.get("package_name") == project and "stg_" in v["name"]]
    return max(sorted(models), key=lambda k: len([c for c in children.get(k, []) if c.startswith("model.")]))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--manifest", required=True, help="a real dbt manifest.json")
    ap.add_argument("--dbt-mp", default=os.environ.get("DBT_MP") or shutil.which("dbt-mp") or "dbt-mp")
    ap.add_argument("--rationale", default=os.environ.get("RATIONALE_BIN") or os.path.join(ROOT, ".build", "release", "rationale"))
    ap.add_argument("--model", help="unique id of the model to edit (default: the busiest staging model)")
    ap.add_argument("--budgets", default="1000,2000,5000")
    args = ap.parse_args(argv)
    rationale = os.path.abspath(args.rationale)
    with open(args.manifest, encoding="utf-8") as fh:
        manifest = json.load(fh)
    model = args.model or pick_model(manifest)
    name = manifest["nodes"][model]["name"]
    work = tempfile.mkdtemp(prefix="rationale-context-manifest-")
    try:
        os.makedirs(os.path.join(work, "state"))
        shutil.copy(args.manifest, os.path.join(work, "state", "manifest.json"))
        manifest["nodes"][model]["raw_code"] += "\n-- edited for the comparison\n"
        head = os.path.join(work, "manifest.json")
        with open(head, "w", encoding="utf-8") as fh:
            json.dump(manifest, fh)
        # context needs a repository around it (sessions live there); an empty one will do.
        repo = os.path.join(work, "repo")
        env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1")
        subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True, env=env)
        subprocess.run(["git", "-C", repo, "-c", "user.name=b", "-c", "user.email=b@example.com", "-c", "commit.gpgsign=false",
                        "commit", "-q", "--allow-empty", "-m", "empty"], check=True, env=env)
        n_nodes = sum(1 for v in manifest["nodes"].values() if v.get("resource_type") == "model")
        print(f"manifest: {os.path.getsize(args.manifest) / 1e6:.1f} MB, {n_nodes} models; edited {model}")
        rows = []
        for budget in [int(b) for b in args.budgets.split(",")]:
            out = os.path.join(work, f"context-{budget}.md")
            with open(out, "w", encoding="utf-8") as fh:
                r = subprocess.run([rationale, "context", "--manifest", head, "--state", os.path.join(work, "state"),
                                    "--budget", str(budget)], cwd=repo, stdout=fh, stderr=subprocess.PIPE, text=True)
            if r.returncode != 0:
                raise SystemExit(f"rationale context failed: {r.stderr}")
            rows.append((f"rationale context --budget {budget}", os.path.getsize(out), tokens(rationale, out)))
        for selection in [f"{name}+", f"1+{name}+"]:
            out = os.path.join(work, f"dbt-mp-{selection.replace('+', 'p')}.json")
            r = subprocess.run([args.dbt_mp, "--offline", "--manifest-path", head, "--select", selection, "--out-file", out],
                               capture_output=True, text=True)
            if r.returncode != 0:
                raise SystemExit(f"dbt-mp failed: {r.stderr or r.stdout}")
            found = next((line.split(" matching")[0].replace("Found ", "") for line in r.stdout.splitlines()
                          if line.startswith("Found ") and "matching" in line), "?")
            rows.append((f"dbt-mp --offline --select {selection} ({found} nodes)", os.path.getsize(out), tokens(rationale, out)))
        width = max(len(r[0]) for r in rows)
        print(f"{'output':<{width}}  {'bytes':>9}  {'tokens':>8}")
        for label, size, count in rows:
            print(f"{label:<{width}}  {size:>9,}  {count:>8,}")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
