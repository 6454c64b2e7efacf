#!/usr/bin/env python3
"""End-to-end test of `rationale demo`'s data steps with the real dbt (dbt-core 1.11 + dbt-duckdb).

    python3 Tests/prove/run_demo.py [--keep]

Runs `rationale demo --dbt $DBT --into <tmp>` and checks, against figures computed here from the
raw CSV files the demo wrote (not by dbt, not by rationale), that production and the branch were
really built, that `rationale prove` reports the exact rows and the changed values of
stg_payments and customers, refuses the session's exclusion of customers (exit 1), passes once it
is taken back, and that the narrative and the gate carry the proof.

Environment: $DBT (the dbt executable of the venv `make oracle-venv` builds; required: the test
fails, it never skips, without it), $RATIONALE_BIN (default .build/release/rationale). Python 3
standard library only; no network (dbt's anonymous usage stats are switched off by the demo).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_prove import FAILURES, check, tools  # noqa: E402


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def expected(root: Path) -> dict:
    """What the change does to the data, from the raw CSV files: floor and round of each payment's cents."""
    payments = read_csv(root / "raw" / "payments.csv")
    orders = {o["id"]: o for o in read_csv(root / "raw" / "orders.csv") if o["ordered_at"] >= "2024-01-01"}
    before = {p["id"]: math.floor(float(p["amount_cents"])) for p in payments}
    # dbt-duckdb's round() rounds half away from zero; Python's round() is banker's rounding.
    after = {p["id"]: math.floor(float(p["amount_cents"]) + 0.5) for p in payments}
    changed = sorted(p for p in before if before[p] != after[p])
    changed_customers = {orders[p["order_id"]]["customer_id"] for p in payments if p["id"] in changed and p["order_id"] in orders}
    return {"payments": len(payments), "changed": changed, "customers": len(read_csv(root / "raw" / "customers.csv")),
            "changed_customers": sorted(changed_customers)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    found = tools()
    if not found:
        return 2
    rationale, dbt = found
    tmp = Path(tempfile.mkdtemp(prefix="rationale-demo-")).resolve()
    try:
        root = tmp / "demo"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "DBT_"))}
        env["PATH"] = "/usr/bin:/bin"  # the demo must use --dbt, not a dbt it happens to find
        p = subprocess.run([str(rationale), "demo", "--into", str(root), "--dbt", dbt], cwd=tmp, env=env,
                           capture_output=True, text=True, timeout=900)
        out = p.stdout
        check("the demo exits 0 with real data steps", p.returncode == 0 and out.startswith("# data steps: real, with "),
              out[-3000:] + p.stderr[-3000:])
        want = expected(root)
        check("production is built from main and the branch with --defer",
              "$ dbt build --target prod --target-path prod-artifacts\n" in out
              and "$ dbt build --target dev --select state:modified+ --defer --state prod-artifacts\n" in out
              and out.count("Done. PASS=") == 2 and "ERROR=0" in out, out[:3000])
        n = want["payments"]
        changed = len(want["changed"])
        check(f"prove: stg_payments {n} → {n} rows, +method, {changed} amounts changed",
              f"| `stg_payments` | **modified** | {n} → {n} | +`method`" in out
              and f"**{changed} changed** (`amount` {changed})" in out, out[-6000:])
        c = want["customers"]
        cc = len(want["changed_customers"])
        check(f"prove: customers {c} → {c} rows, {cc} lifetime values changed, then refused as excluded (exit 1)",
              f"| `customers` | excluded (3) | {c} → {c} | same | `customer_id`: unique, not null on both sides | **{cc} changed** (`lifetime_value` {cc})" in out
              and "error (`excluded_data_changed`): the session excludes `customers`" in out and "(exit 1)" in out, out[-6000:])
        first = want["changed"][0]
        check(f"prove shows an example row: payment {first}", f"| changed | `{first}` | `amount`:" in out, out[-6000:])
        proof = json.loads((root / "proof.json").read_text()) if (root / "proof.json").exists() else {}
        check("proof.json (after the exclusion was taken back): no finding, stg_payments changed",
              proof.get("findings") == [] and any(m["name"] == "stg_payments" and m.get("values", {}).get("changed") == changed
                                                  for m in proof.get("models", [])), json.dumps(proof)[:3000])
        narrative = (root / "narrative.md").read_text() if (root / "narrative.md").exists() else ""
        section = narrative.split("### Proof of correctness", 1)[-1].split("\n### ", 1)[0]
        check("the narrative carries the data proof and the test results under Proof of correctness",
              "**Data proof**" in section and f"| `stg_payments` | **modified** | {n} → {n} |" in section
              and "Test results from `target/run_results.json`." in section, section[:3000])
        check("the gate passes on the reasoning, the proof and dbt's results",
              out.rstrip().split("\n$ ")[-1].startswith("rationale gate --base main --pr-body-file narrative.md --proof proof.json --run-results target/run_results.json\nrationale gate: passed"),
              out[-2000:])
        status = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True).stdout
        check("dbt's files stay out of git (target/, prod-artifacts/, the duckdb file are ignored)",
              not any(x in status for x in ("target/", "prod-artifacts", ".duckdb")), status)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if FAILURES:
        print(f"\n{len(FAILURES)} check(s) failed:\n- " + "\n- ".join(FAILURES), file=sys.stderr)
        return 1
    print("\nall demo data-step checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
