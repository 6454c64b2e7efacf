#!/usr/bin/env python3
"""pre-commit test: our `.pre-commit-hooks.yaml`, driven by the real pre-commit framework.

    PRE_COMMIT=<pre-commit executable> RATIONALE_BIN=<rationale binary> \\
        python3 Tests/precommit/run_precommit.py [--keep] [-v]

The script

  1. makes a throw-away "hooks repository" holding a copy of this package's
     `.pre-commit-hooks.yaml`, commits it (pre-commit pins a repository by revision) and runs
     `pre-commit validate-manifest` on it;
  2. makes a throw-away dbt project repository (`dbt/`, project `shop`: stg_orders -> orders)
     on `main`, branches `feature`, and commits a `.pre-commit-config.yaml` that uses the hooks
     `rationale-check` and `rationale-commit-msg` (the `language: system` ones) from the hooks
     repository at that revision; `pre-commit install --hook-type pre-commit --hook-type
     commit-msg`;
  3. runs `git commit` through those hooks:
       no-session  an edit of stg_orders without a session is refused, naming stg_orders and
                   session_required;
       skip        the same commit with RATIONALE_SKIP passes, and the commit message carries
                   the `Rationale-Skip:` trailer the commit-msg hook adds;
       session     an edit with a filled-in session (`rationale session start`) passes, and the
                   commit carries no Rationale-Skip trailer.

One line per check (PASS/FAIL, with the output's tail on failure). Exit 0 all passed, 1 a check
failed, 2 the test could not run (pre-commit, git or the binary missing, a setup step failed).

With $RATIONALE_WHEELS (a folder holding the wheel `make wheel` builds), the `language: python`
hooks too: pre-commit pip-installs the wheel offline (PIP_NO_INDEX, PIP_FIND_LINKS) into its own
environment, with no `rationale` on PATH, and its command refuses, then passes, as above.

Environment: $PRE_COMMIT (default `pre-commit` on PATH), $RATIONALE_BIN (default
.build/release/rationale under the package root); the directory of $RATIONALE_BIN goes first on
PATH so the hooks' `rationale` resolves to it. Git runs hermetically (no system or global config,
HOME in the temporary folder, fixed names and dates) and pre-commit's cache lives in the
temporary folder (PRE_COMMIT_HOME), so nothing lands in the user's ~/.cache. Python 3.9+ standard
library only; no network (pre-commit clones the hooks repository from a local path and
`language: system` hooks install nothing).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE_ROOT = HERE.parent.parent
MANIFEST = PACKAGE_ROOT / ".pre-commit-hooks.yaml"
HOOK_IDS = ["rationale-check", "rationale-commit-msg"]
TIMEOUT = 300  # seconds, per subprocess
STG_ORDERS = "dbt/models/staging/stg_orders.sql"
SKIP_REASON = "hotfix via pre-commit"


class SetupError(Exception):
    """A step before the checks failed: the test could not run (exit 2)."""


# ---------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------

def base_env(tmp: Path, rationale: Path) -> dict:
    """Hermetic git, pre-commit's cache in tmp, rationale first on PATH, no inherited skips."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GIT_", "PRE_COMMIT", "RATIONALE_")) and k != "SKIP"}
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    env.update({
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "PRE_COMMIT_HOME": str(tmp / "pre-commit-home"),
        "PATH": str(rationale.parent) + os.pathsep + os.environ.get("PATH", os.defpath),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_AUTHOR_NAME": "Precommit Test",
        "GIT_AUTHOR_EMAIL": "precommit@example.invalid",
        "GIT_COMMITTER_NAME": "Precommit Test",
        "GIT_COMMITTER_EMAIL": "precommit@example.invalid",
        "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z",
        "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z",
        "GIT_TERMINAL_PROMPT": "0",
    })
    return env


def run(cmd: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    """Runs cmd; stdout and stderr together in .stdout (text). Never raises on exit status."""
    try:
        return subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
                              errors="replace", timeout=TIMEOUT)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode("utf-8", "replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return subprocess.CompletedProcess(cmd, 124, out + f"\n[timeout after {TIMEOUT}s]")


def must(cmd: list[str], cwd: Path, env: dict) -> str:
    p = run(cmd, cwd, env)
    if p.returncode != 0:
        raise SetupError(f"command failed ({p.returncode}): {' '.join(cmd)}\n{tail(p.stdout)}")
    return p.stdout


def tail(text: str, n: int = 30) -> str:
    return "\n".join("    | " + line for line in text.rstrip().splitlines()[-n:])


def git(repo: Path, env: dict, *args: str) -> str:
    return must(["git", "-c", "commit.gpgsign=false", "-c", "core.autocrlf=false", *args],
                repo, env)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Repositories
# ---------------------------------------------------------------------------------------------

def make_hooks_repo(tmp: Path, env: dict) -> tuple[Path, str]:
    repo = tmp / "hooks-repo"
    repo.mkdir()
    shutil.copyfile(MANIFEST, repo / ".pre-commit-hooks.yaml")
    # What `pip install .` of a python hook reads: the in-tree backend and the version it names.
    for relative in ("pyproject.toml", "packaging/precommit_backend.py", "Sources/Workflow/AnswerKeeper.swift"):
        (repo / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PACKAGE_ROOT / relative, repo / relative)
    git(repo, env, "init", "-q", "-b", "main")
    git(repo, env, "config", "commit.gpgsign", "false")
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-q", "-m", "hooks: copy of .pre-commit-hooks.yaml")
    return repo, git(repo, env, "rev-parse", "HEAD").strip()


def make_shop_repo(tmp: Path, env: dict, hooks_repo: Path, rev: str, hook_ids: list[str] = HOOK_IDS,
                   name: str = "shop") -> Path:
    repo = tmp / name
    repo.mkdir()
    write(repo / "dbt/dbt_project.yml", "name: shop\n")
    write(repo / STG_ORDERS, "select * from raw.orders\n")
    write(repo / "dbt/models/marts/orders.sql", "select * from {{ ref('stg_orders') }}\n")
    git(repo, env, "init", "-q", "-b", "main")
    git(repo, env, "config", "commit.gpgsign", "false")
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-q", "-m", "base: shop project")
    git(repo, env, "checkout", "-q", "-b", "feature")
    # verbose: pre-commit shows a passing hook's output too, so the checks can see that
    # rationale itself ran and passed (not only pre-commit's "Passed").
    hooks = "".join(f"      - id: {h}\n        verbose: true\n" for h in hook_ids)
    write(repo / ".pre-commit-config.yaml",
          f"repos:\n  - repo: {hooks_repo}\n    rev: {rev}\n    hooks:\n{hooks}")
    git(repo, env, "add", ".pre-commit-config.yaml")
    git(repo, env, "commit", "-q", "-m", "pre-commit: rationale hooks")
    return repo


def fill_session(repo: Path, folder: str) -> None:
    """Fills a started session as its author would (like fillSession in
    Tests/RationaleCLITests/SessionCommandTests.swift): SUMMARY.md keeps its first (session) line
    and its loops block; CONTEXT.md loses its placeholders."""
    summary_path = repo / ".project/sessions" / folder / "SUMMARY.md"
    template = summary_path.read_text(encoding="utf-8")
    first_line = template.split("\n", 1)[0]
    begin, end = "<!-- rationale:loops:begin -->", "<!-- rationale:loops:end -->"
    loops = (template.split(begin, 1)[1].split(end, 1)[0] if begin in template
             else "\n_No loops yet._\n")
    write(summary_path, f"""{first_line}
# The session

## Problem, in my words
Orders count cancelled orders as revenue because the staging model keeps every status.

## What was done
stg_orders drops cancelled orders.

## Loops
{begin}{loops}{end}

## Context decisions
Budget: 4000 tokens
Used: 1800 tokens

- loaded: stg_orders — the model whose rows change

## Reasoning
Transformation: filtering in staging keeps every consumer consistent; a filter in the mart would leave others wrong.
Quality: orders loses only the cancelled rows, and unique on order id still holds.

## Excluded scope
Refunds stay as they are.

## Next session
Compare row counts of orders before and after.
""")
    context_path = repo / ".project/sessions" / folder / "CONTEXT.md"
    lines = []
    for line in context_path.read_text(encoding="utf-8").split("\n"):
        if "[[fill: node names" in line:
            continue
        if line.startswith("Used:"):
            line = "Used: 1800 tokens"
        lines.append(re.sub(r"\[\[fill:[^\]]*\]\]", "the model being changed", line))
    write(context_path, "\n".join(lines))


# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------

class Report:
    def __init__(self, verbose: bool) -> None:
        self.failed: list[str] = []
        self.count = 0
        self.verbose = verbose

    def check(self, name: str, problems: list[str], output: str = "", seconds: float = 0.0) -> bool:
        self.count += 1
        took = f" ({seconds:.1f}s)" if seconds else ""
        if not problems:
            print(f"PASS {name}{took}", flush=True)
            if self.verbose and output.strip():
                print(tail(output, 1000), flush=True)
            return True
        self.failed.append(name)
        print(f"FAIL {name}{took}: " + "; ".join(problems), flush=True)
        if output.strip():
            print(tail(output), flush=True)
        return False


def commit(repo: Path, env: dict, message: str, extra: dict | None = None) -> tuple[subprocess.CompletedProcess, float]:
    t0 = time.monotonic()
    p = run(["git", "commit", "-m", message], repo, {**env, **(extra or {})})
    return p, time.monotonic() - t0


def last_message(repo: Path, env: dict) -> str:
    return git(repo, env, "log", "-1", "--format=%B")


def edit_stg_orders(repo: Path, env: dict, sql: str) -> None:
    write(repo / STG_ORDERS, sql)
    git(repo, env, "add", STG_ORDERS)


def scenario_no_session(repo: Path, env: dict, report: Report) -> None:
    edit_stg_orders(repo, env, "select * from raw.orders where status != 'cancelled'\n")
    head = git(repo, env, "rev-parse", "HEAD")
    p, s = commit(repo, env, "Drop cancelled orders")
    problems = []
    if p.returncode == 0:
        problems.append("git commit succeeded; the hooks should refuse it")
    if not re.search(r"^rationale check \(reasoning artifacts.*\.Failed$", p.stdout, re.M):
        problems.append("pre-commit does not report the rationale-check hook as Failed")
    for word in ("stg_orders", "session_required"):
        if word not in p.stdout:
            problems.append(f"output does not name {word}")
    if git(repo, env, "rev-parse", "HEAD") != head:
        problems.append("a commit was made")
    report.check("no-session: a model edit without a session is refused", problems, p.stdout, s)


def scenario_skip(repo: Path, env: dict, report: Report) -> None:
    # The edit of the previous scenario is still staged (a refused commit keeps the index).
    if not git(repo, env, "diff", "--cached", "--name-only").strip():
        edit_stg_orders(repo, env, "select * from raw.orders where status <> 'cancelled'\n")
    p, s = commit(repo, env, "Drop cancelled orders", {"RATIONALE_SKIP": SKIP_REASON})
    problems = []
    if p.returncode != 0:
        problems.append(f"git commit exited {p.returncode}; RATIONALE_SKIP should let it pass")
    else:
        if f"rationale check: skipped (RATIONALE_SKIP: {SKIP_REASON})" not in p.stdout:
            problems.append("the output does not show rationale check skipping")
        msg = last_message(repo, env)
        if f"Rationale-Skip: {SKIP_REASON}" not in msg.splitlines():
            problems.append(f"no `Rationale-Skip: {SKIP_REASON}` trailer in the message: {msg!r}")
    report.check("skip: RATIONALE_SKIP passes and the commit-msg hook adds the trailer",
                 problems, p.stdout, s)


def scenario_session(repo: Path, env: dict, report: Report, rationale: Path) -> None:
    problems = []
    output = ""
    s = 0.0
    edit_stg_orders(repo, env, "select * from raw.orders where status not in ('cancelled', 'void')\n")
    head = git(repo, env, "rev-parse", "HEAD")
    start = run([str(rationale), "session", "start", "Drop cancelled orders"], repo, env)
    sessions = repo / ".project" / "sessions"
    folders = sorted(d.name for d in sessions.iterdir() if d.is_dir()) if sessions.is_dir() else []
    if start.returncode != 0 or len(folders) != 1:
        problems.append(f"`rationale session start` exited {start.returncode} "
                        f"and made {len(folders)} session folders")
        output = start.stdout
    else:
        fill_session(repo, folders[0])
        left = [str(f.relative_to(repo)) for f in (sessions / folders[0]).glob("*.md")
                if f.name in ("SUMMARY.md", "CONTEXT.md", "LOOPS.md")
                and "[[fill:" in f.read_text(encoding="utf-8")]
        if left:
            problems.append(f"placeholders left after filling: {', '.join(left)}")
        git(repo, env, "add", "-A")
        p, s = commit(repo, env, "Drop cancelled and void orders, with the session")
        output = p.stdout
        if p.returncode != 0:
            problems.append(f"git commit exited {p.returncode}; a filled-in session should pass")
        elif git(repo, env, "rev-parse", "HEAD") == head:
            problems.append("no commit was made")
        else:
            passed = f"rationale check: passed — 1 modified model explained by .project/sessions/{folders[0]}"
            if passed not in output:
                problems.append(f"the output does not say `{passed}`")
            msg = last_message(repo, env)
            if "Rationale-Skip" in msg:
                problems.append(f"the commit carries a Rationale-Skip trailer: {msg!r}")
    report.check("session: an edit explained by a filled-in session passes, no trailer",
                 problems, output, s)


def scenario_pip(tmp: Path, env: dict, report: Report, rationale: Path, pre_commit: Path, hooks_repo: Path,
                 rev: str, wheels: Path) -> None:
    """The `language: python` hooks: pre-commit pip-installs the wheel (offline, from the folder
    `make wheel` wrote); no `rationale` on PATH, so the hooks can only run the one they installed."""
    pip_env = {**env, "PATH": os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != str(rationale.parent)),
               "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels.resolve())}
    if shutil.which("rationale", path=pip_env["PATH"]):
        raise SetupError("a `rationale` is on PATH besides the one under test: the pip hooks would not be tested")
    repo = make_shop_repo(tmp, pip_env, hooks_repo, rev, ["rationale-check-pip", "rationale-commit-msg-pip"], name="shop-pip")
    must([str(pre_commit), "install", "--hook-type", "pre-commit", "--hook-type", "commit-msg"], repo, pip_env)
    edit_stg_orders(repo, pip_env, "select * from raw.orders where status != 'cancelled'\n")
    p, s = commit(repo, pip_env, "Drop cancelled orders")
    problems = []
    if p.returncode == 0:
        problems.append("git commit succeeded; the hook installed from the wheel should refuse it")
    if not re.search(r"^rationale check \(installed from the wheel\).*\.Failed$", p.stdout, re.M):
        problems.append("pre-commit does not report the rationale-check-pip hook as Failed")
    if "session_required" not in p.stdout:
        problems.append("the output does not name session_required: the wheel's rationale did not run")
    report.check("pip: the hook pre-commit installs from the wheel refuses a model edit without a session",
                 problems, p.stdout, s)
    start = run([str(rationale), "session", "start", "Drop cancelled orders"], repo, pip_env)
    folders = sorted(d.name for d in (repo / ".project/sessions").iterdir()) if start.returncode == 0 else []
    problems = [] if len(folders) == 1 else [f"`rationale session start` exited {start.returncode}"]
    output = start.stdout
    if folders:
        fill_session(repo, folders[0])
        git(repo, pip_env, "add", "-A")
        p, s = commit(repo, pip_env, "Drop cancelled orders, with the session")
        output = p.stdout
        if p.returncode != 0:
            problems.append(f"git commit exited {p.returncode}; a filled-in session should pass")
        elif "rationale check: passed" not in p.stdout:
            problems.append("the output does not show the wheel's rationale passing the check")
    report.check("pip: the same hook lets an explained edit through", problems, output, s)


# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------

def executable(path: str | None) -> Path | None:
    if not path:
        return None
    found = shutil.which(path)
    return Path(found).resolve() if found else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print each command's output, also when the check passes")
    args = ap.parse_args()

    pre_commit = executable(os.environ.get("PRE_COMMIT") or "pre-commit")
    if not pre_commit:
        print(f"FATAL: pre-commit not found: {os.environ.get('PRE_COMMIT') or 'pre-commit'!r} "
              "(set $PRE_COMMIT; `make precommit` installs it from PyPI)", file=sys.stderr)
        return 2
    rationale = executable(os.environ.get("RATIONALE_BIN")
                           or str(PACKAGE_ROOT / ".build" / "release" / "rationale"))
    if not rationale or rationale.name != "rationale":
        print(f"FATAL: rationale binary not found or not named `rationale`: "
              f"{os.environ.get('RATIONALE_BIN')!r} (build it: swift build -c release; "
              "set $RATIONALE_BIN)", file=sys.stderr)
        return 2
    if shutil.which("git") is None:
        print("FATAL: git not found", file=sys.stderr)
        return 2
    if not MANIFEST.is_file():
        print(f"FATAL: no {MANIFEST.name} at the package root", file=sys.stderr)
        return 2

    t0 = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="rationale-precommit-")).resolve()
    report = Report(args.verbose)
    try:
        env = base_env(tmp, rationale)
        version = must([str(pre_commit), "--version"], tmp, env).strip()
        print(f"# {version} ({pre_commit}); rationale={rationale}", flush=True)

        hooks_repo, rev = make_hooks_repo(tmp, env)
        p = run([str(pre_commit), "validate-manifest", str(hooks_repo / ".pre-commit-hooks.yaml")],
                tmp, env)
        if not report.check("validate-manifest: .pre-commit-hooks.yaml",
                            [] if p.returncode == 0 else [f"exited {p.returncode}"], p.stdout):
            return 1

        repo = make_shop_repo(tmp, env, hooks_repo, rev)
        p = run([str(pre_commit), "validate-config", ".pre-commit-config.yaml"], repo, env)
        if p.returncode != 0:
            raise SetupError(f"pre-commit validate-config failed:\n{tail(p.stdout)}")
        must([str(pre_commit), "install", "--hook-type", "pre-commit", "--hook-type", "commit-msg"],
             repo, env)

        scenario_no_session(repo, env, report)
        scenario_skip(repo, env, report)
        scenario_session(repo, env, report, rationale)

        wheels = os.environ.get("RATIONALE_WHEELS")
        if wheels:
            scenario_pip(tmp, env, report, rationale, pre_commit, hooks_repo, rev, Path(wheels))

        n_fail = len(report.failed)
        print(f"# {report.count - n_fail} passed, {n_fail} failed in {time.monotonic() - t0:.1f}s")
        return 1 if n_fail else 0
    except SetupError as e:
        print(f"FATAL: {e}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"# kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
