#!/usr/bin/env python3
"""End-to-end test of `rationale prove` against the real dbt (dbt-core 1.11 + dbt-duckdb).

    python3 Tests/prove/run_prove.py [--keep]

In a throw-away git repository it writes a small dbt project (a seed of 40 orders, stg_orders,
customer_orders below it and finance_summary below that) with a `prod` and a `dev` target in one
duckdb file, and then

  1. builds production (`dbt build --target prod`) and keeps its manifest as the state;
  2. on a branch, makes stg_orders drop returned orders and subtract discounts from `amount`,
     and builds `state:modified+` on dev with `--defer --state` (the seed is deferred);
  3. runs `rationale prove` and checks, against figures computed here from the seed itself, the
     row counts of both sides for stg_orders and its child, their key checks, and the value diff
     of the changed column; `narrate --proof` must carry them under *Proof of correctness*;
  4. commits a session that excludes finance_summary as unaffected: prove must flag it (exit 1)
     and `gate --proof` must fail on it; a checkpoint `proof: required` must be met by the proof;
  5. bad input: no dbt on PATH, a target that does not exist, a warehouse error (a corrupt
     database file: dbt's message is passed on), a model not built on the branch — each exit 2
     with a clear message and no file written;
  6. on a terminal, prove prints its progress.

Environment: $DBT (the dbt executable of the venv `make oracle-venv` builds; required: the test
fails, it never skips, without it), $RATIONALE_BIN (default .build/release/rationale). Python 3
standard library only; no network (dbt's anonymous usage stats are switched off).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import pty
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
TIMEOUT = 600

FAILURES: list[str] = []


def check(what: str, condition: bool, detail: str = "") -> None:
    print(("PASS " if condition else "FAIL ") + what, flush=True)
    if not condition:
        FAILURES.append(what + (f"\n    {detail[:4000]}" if detail else ""))


# --- the project -------------------------------------------------------------------------------

def orders() -> list[dict]:
    """The seed: 40 orders of 5 customers; every 8th is returned; every 3rd has a 2.50 discount."""
    return [{"id": i, "customer_id": i % 5 + 1, "status": "returned" if i % 8 == 0 else "placed",
             "amount_cents": i * 100, "discount_cents": 250 if i % 3 == 0 else 0} for i in range(1, 41)]


STG_PROD = """select
    id as order_id,
    customer_id,
    status,
    amount_cents / 100.0 as amount
from {{ ref('raw_orders') }}
"""

STG_BRANCH = """select
    id as order_id,
    customer_id,
    status,
    (amount_cents - discount_cents) / 100.0 as amount
from {{ ref('raw_orders') }}
where status != 'returned'
"""

FILES = {
    "dbt_project.yml": "name: shop\nprofile: shop\nversion: '1.0'\nmodels:\n  shop:\n    marts:\n      +materialized: table\n",
    "models/staging/stg_orders.sql": STG_PROD,
    "models/marts/customer_orders.sql": (
        "select customer_id, count(*) as order_count, sum(amount) as revenue\n"
        "from {{ ref('stg_orders') }}\ngroup by customer_id\n"),
    "models/marts/finance_summary.sql": (
        "select 'all' as scope, count(*) as customers, sum(revenue) as revenue\nfrom {{ ref('customer_orders') }}\n"),
    "models/schema.yml": """version: 2
models:
  - name: stg_orders
    columns:
      - name: order_id
        data_tests: [unique, not_null]
  - name: customer_orders
    columns:
      - name: customer_id
        data_tests: [unique, not_null]
  - name: finance_summary
    columns:
      - name: scope
        data_tests: [unique, not_null]
""",
    ".gitignore": "target/\nlogs/\ndbt_packages/\n",
}


def expected() -> dict:
    """What each side holds, computed from the seed here (not by dbt, not by rationale)."""
    rows = orders()
    prod = {r["id"]: r["amount_cents"] / 100 for r in rows}
    branch = {r["id"]: (r["amount_cents"] - r["discount_cents"]) / 100 for r in rows if r["status"] != "returned"}
    kept = set(branch)
    changed = sum(1 for i in kept if prod[i] != branch[i])

    def per_customer(amounts: dict) -> dict:
        out: dict = {}
        for r in rows:
            if r["id"] in amounts:
                count, revenue = out.get(r["customer_id"], (0, 0.0))
                out[r["customer_id"]] = (count + 1, revenue + amounts[r["id"]])
        return out

    before, after = per_customer(prod), per_customer(branch)
    return {
        "stg_prod": len(prod), "stg_branch": len(branch), "removed": len(prod) - len(kept), "changed": changed,
        "unchanged": len(kept) - changed,
        "co_prod": len(before), "co_branch": len(after),
        "co_changed": sum(1 for c in after if before.get(c) != after[c]),
        "order_count_changed": sum(1 for c in after if before[c][0] != after[c][0]),
    }


# --- running things ----------------------------------------------------------------------------

def git_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_AUTHOR_NAME": "Prove Test", "GIT_AUTHOR_EMAIL": "prove@example.invalid",
        "GIT_COMMITTER_NAME": "Prove Test", "GIT_COMMITTER_EMAIL": "prove@example.invalid",
        "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z",
    })
    return env


def run(cmd: list[str], cwd: Path, env: dict, check_ok: bool = True) -> subprocess.CompletedProcess:
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    if check_ok and p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])}… exited {p.returncode}:\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
    return p


def write(root: Path, files: dict) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def on_terminal(cmd: list[str], cwd: Path, env: dict) -> tuple[int, str]:
    """Runs `cmd` with its standard error on a pseudo-terminal; returns the status and what it wrote there."""
    master, slave = pty.openpty()
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif p.poll() is not None:
            break
    p.wait(timeout=60)
    os.close(master)
    return p.returncode, b"".join(chunks).decode("utf-8", "replace")


def tools() -> tuple[Path, str] | None:
    """$RATIONALE_BIN (default .build/release/rationale) and $DBT, absolute; None, having said
    why, when either is missing (the tests that need them fail, they never skip)."""
    rationale = Path(os.environ.get("RATIONALE_BIN") or REPO_ROOT / ".build" / "release" / "rationale").resolve()
    if not (rationale.is_file() and os.access(rationale, os.X_OK)):
        print(f"FATAL: rationale binary not found: {rationale} (build it, or set $RATIONALE_BIN)", file=sys.stderr)
        return None
    dbt = shutil.which(os.environ.get("DBT") or "")
    if not dbt:
        print(f"FATAL: no dbt at $DBT={os.environ.get('DBT')!r}: run `make oracle-venv` and set $DBT to its bin/dbt "
              "(this test needs dbt-core 1.11 and dbt-duckdb; it does not skip)", file=sys.stderr)
        return None
    return rationale, os.path.abspath(dbt)


# --- the test ----------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()

    found = tools()
    if not found:
        return 2
    rationale, dbt = found

    tmp = Path(tempfile.mkdtemp(prefix="rationale-prove-")).resolve()
    started = time.monotonic()
    try:
        repo = tmp / "repo"
        repo.mkdir()
        profiles = tmp / "profiles"
        warehouse = tmp / "warehouse.duckdb"
        broken = tmp / "broken.duckdb"
        broken.write_bytes(b"this is not a duckdb database file\n" * 64)
        write(profiles, {"profiles.yml": f"""shop:
  target: dev
  outputs:
    prod: {{type: duckdb, path: "{warehouse}", schema: prod, threads: 1}}
    dev: {{type: duckdb, path: "{warehouse}", schema: dev, threads: 1}}
    broken: {{type: duckdb, path: "{broken}", schema: dev, threads: 1}}
"""})
        genv = git_env()
        denv = {k: v for k, v in genv.items() if not (k.startswith("DBT_") and k != "DBT")}
        denv.update({"DBT_PROFILES_DIR": str(profiles), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"})

        # 1. Production.
        write(repo, FILES)
        (repo / "seeds").mkdir()
        with open(repo / "seeds" / "raw_orders.csv", "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=["id", "customer_id", "status", "amount_cents", "discount_cents"])
            w.writeheader()
            w.writerows(orders())
        run(["git", "init", "-q", "-b", "main"], repo, genv)
        run(["git", "add", "-A"], repo, genv)
        run(["git", "commit", "-q", "-m", "shop"], repo, genv)
        run([dbt, "build", "--target", "prod"], repo, denv)
        state = tmp / "prod-artifacts"
        state.mkdir()
        shutil.copy(repo / "target" / "manifest.json", state / "manifest.json")
        print(f"# production built in {time.monotonic() - started:.0f}s", flush=True)

        # 2. The branch, built on dev with --defer.
        run(["git", "checkout", "-q", "-b", "drop-returns"], repo, genv)
        write(repo, {"models/staging/stg_orders.sql": STG_BRANCH})
        run(["git", "commit", "-q", "-am", "stg_orders drops returned orders and nets discounts"], repo, genv)
        built = run([dbt, "build", "--target", "dev", "--select", "state:modified+", "--defer", "--state", str(state)], repo, denv)
        check("dev build of state:modified+ builds the three models on dev and defers the seed",
              all(f"dev.{m}" in built.stdout for m in ("stg_orders", "customer_orders", "finance_summary")) and "seed file" not in built.stdout,
              built.stdout)

        # 3. The proof.
        want = expected()
        env = dict(denv, PATH=f"{Path(dbt).parent}:/usr/bin:/bin")
        p = run([str(rationale), "prove", "--base", "main", "--state", str(state), "--target", "dev", "--format", "json",
                 "--output", "proof.json"], repo, env, check_ok=False)
        check("prove exits 0 and writes proof.json", p.returncode == 0 and (repo / "proof.json").exists(), p.stdout + p.stderr)
        proof = json.loads((repo / "proof.json").read_text())
        models = {m["name"]: m for m in proof["models"]}
        check("the modified model and its child are proved (not the grandchild: --downstream 1)",
              list(models) == ["stg_orders", "customer_orders"], str(list(models)))
        stg, co = models["stg_orders"], models["customer_orders"]
        check(f"stg_orders rows: production {want['stg_prod']}, branch {want['stg_branch']}",
              (stg["production"]["rows"], stg["branch"]["rows"], stg["row_change"]) ==
              (want["stg_prod"], want["stg_branch"], want["stg_branch"] - want["stg_prod"]), json.dumps(stg)[:2000])
        check(f"customer_orders rows: production {want['co_prod']}, branch {want['co_branch']}",
              (co["production"]["rows"], co["branch"]["rows"]) == (want["co_prod"], want["co_branch"]), json.dumps(co)[:2000])
        check("relations are dbt's: production's schema and dev's",
              stg["production"]["relation"].endswith('"prod"."stg_orders"') and stg["branch"]["relation"].endswith('"dev"."stg_orders"'),
              json.dumps(stg)[:1000])
        for m in (stg, co):
            key = m["key"]
            check(f"{m['name']}: key from its tests, unique and not null on both sides",
                  key is not None and key["source"].startswith("unique and not_null tests")
                  and key["production"] == {"duplicates": 0, "nulls": 0} and key["branch"] == {"duplicates": 0, "nulls": 0},
                  json.dumps(key))
        values = stg["values"] or {}
        by_column = {c["name"]: c["changed"] for c in values.get("by_column", [])}
        check("stg_orders: the columns the diff touches are compared (status, amount), not the others",
              sorted(values.get("columns", [])) == ["amount", "status"] and values.get("basis") == "the columns the diff touches",
              json.dumps(values)[:2000])
        check(f"stg_orders value diff: {want['changed']} changed (all in amount), {want['removed']} removed, 0 added",
              (values.get("changed"), values.get("removed"), values.get("added"), values.get("unchanged"), by_column.get("amount"), by_column.get("status"))
              == (want["changed"], want["removed"], 0, want["unchanged"], want["changed"], 0), json.dumps(values)[:2000])
        examples = values.get("examples", [])
        amount = values["columns"].index("amount")
        check("stg_orders examples: order 3 changed 3.0 → 0.5, order 8 removed",
              {"kind": "changed", "key": ["3"], "before": "3.0", "after": "0.5"} in
              [{"kind": e["kind"], "key": e["key"], "before": e["production"][amount], "after": e["branch"][amount]} for e in examples]
              and any(e["kind"] == "removed" and e["key"] == ["8"] for e in examples), json.dumps(examples))
        cov = co["values"] or {}
        co_by = {c["name"]: c["changed"] for c in cov.get("by_column", [])}
        check(f"customer_orders value diff over every column: {want['co_changed']} changed, order_count {want['order_count_changed']}",
              (cov.get("changed"), cov.get("added"), cov.get("removed"), co_by.get("order_count")) ==
              (want["co_changed"], 0, 0, want["order_count_changed"]) and "upstream" in cov.get("basis", ""), json.dumps(cov)[:2000])
        check("no schema change, no finding", stg["schema_change"] == {"added": [], "removed": [], "retyped": []} and proof["findings"] == [],
              json.dumps(proof["findings"]))
        check("one dbt invocation for both models", proof["dbt"]["invocations"] == 1 and proof["dbt"]["adapter"] == "duckdb",
              json.dumps(proof["dbt"]))
        check("prove leaves dbt's target/run_results.json of the dev build alone",
              '"state:modified+"' in (repo / "target" / "run_results.json").read_text(), "")

        md = run([str(rationale), "prove", "--base", "main", "--state", str(state), "--target", "dev"], repo, env, check_ok=False)
        line = (f"| `stg_orders` | **modified** | {want['stg_prod']} → {want['stg_branch']} "
                f"(**−{want['removed']}**, −{want['removed'] * 100 / want['stg_prod']:.1f} %) | same | "
                f"`order_id`: unique, not null on both sides | **{want['changed']} changed**, **{want['removed']} removed** (`amount` {want['changed']});")
        check("the Markdown table carries the same figures", md.returncode == 0 and line in md.stdout, md.stdout + md.stderr)

        n = run([str(rationale), "narrate", "--base", "main", "--proof", "proof.json"], repo, env, check_ok=False)
        proof_section = n.stdout.split("### Proof of correctness", 1)[-1].split("\n### ", 1)[0]
        check("narrate --proof carries the data proof under Proof of correctness",
              n.returncode == 0 and "**Data proof**" in proof_section and line in proof_section, n.stdout[-4000:] + n.stderr)

        # 4. A session that excludes finance_summary as unaffected: the data says otherwise.
        session = repo / ".project" / "sessions" / "2026-11-20-drop-returns"
        write(session, {"SUMMARY.md": """<!-- rationale:session title="Drop returned orders" kind=bugfix started=2026-11-20 -->
# Drop returned orders

## Problem, in my words
Revenue counts returned orders and gross amounts, so finance sees more than the ledger says.

## What was done
`stg_orders` drops returned orders and nets discounts out of `amount`.

## Context decisions
Budget: 4000 tokens
Used: 1200 tokens

- loaded: stg_orders, customer_orders — the models whose rows change
- excluded: finance_summary — counts customers only, unaffected

## Reasoning
Transformation: the filter sits in staging so every consumer agrees.
Quality: order_id stays unique; customer_orders keeps one row per customer.

## Excluded scope
Refunds stay as they are.
""", "LOOPS.md": "# Loops\n\n## Loops\n"})
        run(["git", "add", "-A", ".project"], repo, genv)
        run(["git", "commit", "-q", "-m", "session"], repo, genv)
        flagged = run([str(rationale), "prove", "--base", "main", "--state", str(state), "--target", "dev", "--format", "json",
                       "--output", "proof-session.json"], repo, env, check_ok=False)
        check("an exclusion the data contradicts: prove exits 1 and names the session line",
              flagged.returncode == 1 and "[excluded_data_changed]" in flagged.stdout
              and ".project/sessions/2026-11-20-drop-returns/SUMMARY.md:15:" in flagged.stdout
              and "the session excludes `finance_summary`" in flagged.stdout, flagged.stdout + flagged.stderr)
        second = json.loads((repo / "proof-session.json").read_text())
        fs = {m["name"]: m for m in second["models"]}.get("finance_summary", {})
        check("the excluded grandchild is proved (role excluded), its revenue changed",
              fs.get("role") == "excluded" and fs.get("data_changed") is True
              and {c["name"]: c["changed"] for c in (fs.get("values") or {}).get("by_column", [])}.get("revenue") == 1, json.dumps(fs)[:2000])
        gate = run([str(rationale), "gate", "--base", "main", "--proof", "proof-session.json"], repo, env, check_ok=False)
        check("gate --proof fails on the contradiction", gate.returncode == 1 and "[excluded_data_changed]" in gate.stdout, gate.stdout + gate.stderr)

        write(repo, {".rationale.yml": "checkpoints:\n  - name: staging proof\n    when: {paths: [\"models/staging/**\"]}\n    require:\n      - proof: required\n"})
        unmet = run([str(rationale), "gate", "--base", "main"], repo, env, check_ok=False)
        met = run([str(rationale), "gate", "--base", "main", "--proof", "proof-session.json"], repo, env, check_ok=False)
        check("a checkpoint `proof: required`: unmet without the proof, met with it",
              "requires a proof from data: no proof from data" in unmet.stdout and "[checkpoint_unmet]" not in met.stdout,
              unmet.stdout + "\n---\n" + met.stdout)
        (repo / ".rationale.yml").unlink()

        # 5. Bad input: a clear error, exit 2, nothing written.
        def refused(what: str, cmd: list[str], expect: str, env_: dict) -> None:
            out = repo / "refused.json"
            out.unlink(missing_ok=True)
            r = run(cmd + ["--format", "json", "--output", "refused.json"], repo, env_, check_ok=False)
            check(f"{what}: exit 2, the message says so, nothing written", r.returncode == 2 and expect in r.stderr and not out.exists(),
                  f"exit {r.returncode}\n{r.stdout}\n{r.stderr}")

        base = [str(rationale), "prove", "--base", "main", "--state", str(state)]
        refused("no dbt on PATH", base, "no dbt on PATH", dict(denv, PATH="/usr/bin:/bin"))
        refused("a target that does not exist", base + ["--target", "staging"], "does not have a target named 'staging'", env)
        refused("a warehouse error (dbt's message passed on)", base + ["--target", "broken"], "dbt failed (exit", env)
        r = run(base + ["--target", "broken"], repo, env, check_ok=False)
        check("the warehouse error carries duckdb's own words, not dbt's stack trace",
              "is not a valid DuckDB database file" in r.stderr and "Traceback" not in r.stderr, r.stderr)

        # On a terminal, progress.
        status, err = on_terminal(base + ["--target", "dev", "--output", "tty.md"], repo, env)
        check("on a terminal, prove prints its progress", "proving 1/3 stg_orders" in err and "dbt show 1 of 1" in err, f"exit {status}\n{err}")

        # A model modified on the branch but not built there (dbt parse writes the manifest only).
        write(repo, {"models/marts/new_metrics.sql": "select customer_id, revenue * 2 as doubled from {{ ref('customer_orders') }}\n"})
        run(["git", "add", "-A"], repo, genv)
        run(["git", "commit", "-q", "-m", "new model"], repo, genv)
        run([dbt, "parse", "--target", "dev"], repo, denv)
        refused("a modified model not built on the branch", base + ["--target", "dev"], "`new_metrics` is modified but not built on the branch", env)
    except (RuntimeError, subprocess.TimeoutExpired, KeyError, json.JSONDecodeError) as e:
        FAILURES.append(f"could not run: {e}")
        print(f"FATAL: {e}", file=sys.stderr)
    finally:
        if args.keep:
            print(f"# kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"# {'FAILED' if FAILURES else 'passed'} in {time.monotonic() - started:.0f}s")
    for failure in FAILURES:
        print("  - " + failure)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
