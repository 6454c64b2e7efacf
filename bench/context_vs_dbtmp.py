#!/usr/bin/env python3
"""Compare `rationale context` packs with dbt-mp's slim manifest on the same selection.

    bench/context_vs_dbtmp.py [--models 2000] [--budgets 1000,2000,5000]
        (RATIONALE_BIN, DBT, DBT_MP, TOKENIZER_JSON from the environment; `make bench-context`)

Generates a layered project (bench/generate_project.py), commits it, stages an edit of one
staging model, and asks both tools for what an agent should read about it:
  - `rationale context --staged --budget B` for each budget (source mode: no dbt, no manifest);
  - `dbt-mp --offline --select <model>+` on the manifest `dbt parse` writes for the same project.
Prints bytes and tokens of each output (our offline estimate, and a real BPE tokenizer when
TOKENIZER_JSON points at one), how many project nodes each names, and the ratio to dbt-mp.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH_DIR)
import run as bench  # noqa: E402


def tokens_bpe(text, tokenizer):
    return len(tokenizer.encode(text).ids) if tokenizer else None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", type=int, default=2000)
    ap.add_argument("--budgets", default="1000,2000,5000")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    rat = os.environ.get("RATIONALE_BIN") or os.path.join(bench.ROOT, ".build/release/rationale")
    dbt = os.environ.get("DBT", "dbt")
    dbt_mp = os.environ.get("DBT_MP", "dbt-mp")
    tokenizer = None
    if os.environ.get("TOKENIZER_JSON"):
        try:
            from tokenizers import Tokenizer
            tokenizer = Tokenizer.from_file(os.environ["TOKENIZER_JSON"])
        except ImportError:
            bench.log("tokenizers is not installed: BPE column left empty")

    with tempfile.TemporaryDirectory(prefix="rationale-ctx-") as work:
        setup = bench.setup_project(args.models, args.seed, work)
        model = setup["edited_model"]
        bench.log(f"{args.models} models; edited {model} (~{setup['estimated_downstream_models']} downstream)")
        names = set()
        for root, _dirs, files in os.walk(os.path.join(setup["repo"], "models")):
            names.update(os.path.splitext(f)[0] for f in files if f.endswith((".sql", ".py")))

        rows = []
        for budget in [int(b) for b in args.budgets.split(",")]:
            out = subprocess.run([rat, "context", "--staged", "--budget", str(budget), "--format", "json"],
                                 cwd=setup["repo"], env=bench.git_env(), capture_output=True, text=True)
            if out.returncode != 0:
                raise SystemExit(f"rationale context failed: {out.stderr}")
            doc = json.loads(out.stdout)
            text = doc["markdown"]
            named = {n for n in names if re.search(r"`" + re.escape(n) + r"`|### " + re.escape(n) + r" ", text)}
            rows.append((f"rationale context --budget {budget}", len(text.encode()), doc["tokens"], tokens_bpe(text, tokenizer), len(named)))

        head = os.path.join(work, "dbt-head")
        bench.export_tree(setup["repo"], "change", head)
        out = os.path.join(work, "parse.log")
        _dt, _rss, rc, _cpu = bench.measure([dbt, "parse", "--no-partial-parse"], head, bench.dbt_env(head), out)
        if rc != 0:
            raise SystemExit("dbt parse failed:\n" + bench.tail(bench.read(out)))
        manifest = os.path.join(head, "target", "manifest.json")
        manifest_bytes = os.path.getsize(manifest)
        slim = os.path.join(work, "slim.json")
        res = subprocess.run([dbt_mp, "--offline", "--select", f"{model}+", "--manifest-path", manifest, "--out-file", slim],
                             cwd=head, capture_output=True, text=True)
        if res.returncode != 0:
            raise SystemExit(f"dbt-mp failed: {res.stderr}{res.stdout}")
        text = open(slim, encoding="utf-8").read()
        est = json.loads(subprocess.run([rat, "tokens", "--format", "json", slim], capture_output=True, text=True).stdout)[0]["tokens"]
        named = {n for n in names if f'"{n}"' in text or f".{n}\"" in text}
        mp_row = (f"dbt-mp --offline --select {model}+", len(text.encode()), est, tokens_bpe(text, tokenizer), len(named))
        rows.append(mp_row)

    print(f"\n== what an agent reads about one staging edit, {args.models:,} models (manifest.json: {manifest_bytes / 1e6:.1f} MB) ==")
    print(f"{'output':<48} {'bytes':>9} {'tokens (est)':>13} {'tokens (BPE)':>13} {'models named':>13} {'dbt-mp / this':>14}")
    for label, size, est, bpe, named in rows:
        ratio = f"{mp_row[1] / size:.1f}x" if label != mp_row[0] else ""
        print(f"{label:<48} {size:>9,} {est:>13,} {('' if bpe is None else f'{bpe:,}'):>13} {named:>13} {ratio:>14}")
    print("\nEvery rationale pack states its budget and ends with its decisions (what was left out and why);"
          " dbt-mp has no budget and no decisions.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
