#!/usr/bin/env python3
"""History oracle: `rationale impact` against dbt-core 1.11 on the real history of public dbt projects.

    python3 Tests/history/run_history.py [--rationale PATH] [--project NAME] [--commit SHA]
                                         [--dbt-only | --rationale-only]

For every project of corpus.json (a public repository, the dbt project folder(s) in it, the
adapter, a list of commits) and every listed commit C with its first parent P:

  dbt side (cached: Tests/history/dbt/<project>/<commit>.json; a cached commit never calls dbt
  again)
    1. checks P and then C out in a scratch clone of the repository (outside this repository),
       installs the pinned packages (packages.yml / dependencies.yml / package-lock.yml) into
       dbt_packages/ from local git snapshots of the packages' own repositories (PACKAGE_REPOS
       below), writes a dummy profiles.yml for the adapter (parse and ls never connect);
    2. `dbt parse --no-partial-parse` of P into a state folder (reused: the state of a project
       tree that was already parsed is kept, keyed by the git tree of the project);
    3. `dbt parse` of C, then on that manifest `dbt ls --resource-type model seed snapshot source
       exposure --select state:modified` and `state:modified+` with `--state <P state>`;
       through dbt's programmatic entry point (dbtRunner) in one long-lived Python process of the
       dbt venv, so the interpreter and dbt are loaded once per project.
    A commit that dbt cannot parse (either side) is "dbt refused": listed, not counted.
    A dbt project folder whose files are the same in P and C (a monorepo commit that touches the
    other project only) is not parsed: dbt's answer there is empty by construction.

  rationale side (never cached)
    4. checks C out in the clone's working tree with the packages installed into dbt_packages/
       (rationale may read installed packages from the working tree) and runs
       `rationale impact --base P --head C --dbt-compatible --format json --adapter <adapter>`
       (`--project <folder>` for single-project entries);
    5. compares models only: rationale's `modified` models with dbt's state:modified models,
       rationale's `modified` + `downstream` models with dbt's state:modified+ models.

  Writes Tests/history/results/<project>.json and Tests/history/RESULTS.md.

Nothing is fetched at run time. The repositories (the projects' and the packages') must be on this
machine as git directories, found under $HISTORY_REPOS (default: ../.mirror next to this
repository) as <owner>+<name>/repo, <owner>+<name>, <owner>/<name> or <name>, bare or not.
Scratch files (clones, package checkouts, dbt states, logs) go to $HISTORY_WORK (default
$HOME/.cache/rationale-history).

Environment: $DBT (the dbt executable of the venv; default .build/oracle-venv/bin/dbt under this
repository), $RATIONALE_BIN (default .build/release/rationale), $HISTORY_REPOS, $HISTORY_WORK.
Python 3.11 standard library only (dbt runs in its own venv).

Exit status: 0 when it ran (the agreement figures are printed), 2 when it could not run.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
CORPUS = HERE / "corpus.json"
DBT_CACHE = HERE / "dbt"
RESULTS_DIR = HERE / "results"
RESULTS_MD = HERE / "RESULTS.md"
INTERIM_MD = HERE / "INTERIM.md"

RESOURCE_TYPES = ["model", "seed", "snapshot", "source", "exposure"]
SELECTORS = ["state:modified", "state:modified+"]
TIMEOUT_DBT = 1800  # seconds for one dbt parse (+ ls) request
TIMEOUT_RATIONALE = 600
ENV_VALUE = "history_oracle"  # the value of every env_var() without a default

# The dbt package hub is not reachable: hub packages are placed from the package's own GitHub
# repository at the tag of the pinned version. Hub name -> GitHub owner/name.
PACKAGE_REPOS = {
    "dbt-labs/dbt_utils": "dbt-labs/dbt-utils",
    "fishtown-analytics/dbt_utils": "dbt-labs/dbt-utils",
    "dbt-labs/codegen": "dbt-labs/dbt-codegen",
    "fishtown-analytics/codegen": "dbt-labs/dbt-codegen",
    "dbt-labs/audit_helper": "dbt-labs/dbt-audit-helper",
    "dbt-labs/dbt_audit_helper": "dbt-labs/dbt-audit-helper",
    "fishtown-analytics/audit_helper": "dbt-labs/dbt-audit-helper",
    "dbt-labs/dbt_project_evaluator": "dbt-labs/dbt-project-evaluator",
    "dbt-labs/dbt_external_tables": "dbt-labs/dbt-external-tables",
    "calogica/dbt_expectations": "calogica/dbt-expectations",
    "metaplane/dbt_expectations": "metaplane/dbt-expectations",
    "calogica/dbt_date": "calogica/dbt-date",
    "godatadriven/dbt_date": "godatadriven/dbt-date",
    "metaplane/dbt_date": "godatadriven/dbt-date",
    "get-select/dbt_snowflake_query_tags": "get-select/dbt-snowflake-query-tags",
    "starburstdata/trino_utils": "starburstdata/dbt-trino-utils",
    "emilyriederer/dbtplyr": "emilyriederer/dbtplyr",
    "tnightengale/dbt_meta_testing": "tnightengale/dbt-meta-testing",
    "elementary-data/elementary": "elementary-data/dbt-data-reliability",
    "entechlog/dbt_snow_mask": "entechlog/dbt-snow-mask",
    "infinitelambda/dbt_tags": "infinitelambda/dbt-tags",
}

PROFILE_OUTPUTS = {
    "duckdb": {"type": "duckdb", "path": ":memory:", "threads": 1},
    "postgres": {"type": "postgres", "host": "localhost", "user": "history", "password": "history",
                 "port": 5432, "dbname": "history", "schema": "history", "threads": 1},
    "redshift": {"type": "redshift", "host": "localhost", "user": "history", "password": "history",
                 "port": 5439, "dbname": "history", "schema": "history", "threads": 1},
    "snowflake": {"type": "snowflake", "account": "history", "user": "history", "password": "history",
                  "role": "history", "database": "HISTORY", "warehouse": "HISTORY",
                  "schema": "HISTORY", "threads": 1},
    "bigquery": {"type": "bigquery", "method": "oauth", "project": "history-project",
                 "dataset": "history", "threads": 1},
    "trino": {"type": "trino", "method": "none", "host": "localhost", "port": 8080, "user": "history",
              "database": "history", "schema": "history", "threads": 1},
}


# Errors that say the harness could not run dbt (an adapter missing from the venv, the worker
# dying): such answers are not cached and the commit counts as "no dbt answer".
HARNESS_ERRORS = ("Could not find adapter type", "harness:", "dbt worker timed out", "dbt worker died",
                  "No module named")


class HistoryError(Exception):
    pass


def log(msg: str) -> None:
    print(msg, flush=True)


# ---------------------------------------------------------------------------------------------
# Paths and environment
# ---------------------------------------------------------------------------------------------

def repos_root() -> Path:
    return Path(os.environ.get("HISTORY_REPOS") or (REPO_ROOT.parent / ".mirror")).expanduser()


def work_root() -> Path:
    return Path(os.environ.get("HISTORY_WORK") or (Path.home() / ".cache" / "rationale-history")).expanduser()


def find_repo(slug: str) -> Path:
    """The git directory of a repository `owner/name` under $HISTORY_REPOS."""
    owner, name = slug.split("/", 1)
    root = repos_root()
    for cand in (root / f"{owner}+{name}" / "repo", root / f"{owner}+{name}", root / owner / name,
                 root / name, root / f"{owner}+{name}.git", root / owner / f"{name}.git"):
        if (cand / "HEAD").is_file() or (cand / ".git").exists():
            return cand
    raise HistoryError(f"repository {slug} not found under {root} (fetch it first; see README.md)")


def git_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_TERMINAL_PROMPT": "0",
                "GIT_AUTHOR_NAME": "history", "GIT_AUTHOR_EMAIL": "history@example.invalid",
                "GIT_COMMITTER_NAME": "history", "GIT_COMMITTER_EMAIL": "history@example.invalid"})
    return env


def git(repo: Path, *args: str, check: bool = True, binary: bool = False):
    p = subprocess.run(["git", *args], cwd=repo, env=git_env(), capture_output=True, timeout=600)
    if check and p.returncode != 0:
        raise HistoryError(f"git {' '.join(args)} failed in {repo}: {p.stderr.decode(errors='replace')[-2000:]}")
    return p.stdout if binary else p.stdout.decode("utf-8", "replace")


def tail(text: str, n: int = 30) -> str:
    return "\n".join(text.splitlines()[-n:])


# ---------------------------------------------------------------------------------------------
# A small YAML reader for packages.yml / package-lock.yml / dbt_project.yml's name and profile
# (lists of flat mappings; no PyYAML in the standard library).
# ---------------------------------------------------------------------------------------------

def _scalar(v: str):
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
        return v[1:-1]
    if v.startswith("[") and v.endswith("]"):
        return [_scalar(x) for x in v[1:-1].split(",") if x.strip()]
    return v


def _strip_comment(line: str) -> str:
    out, q = [], None
    for i, ch in enumerate(line):
        if q:
            if ch == q:
                q = None
        elif ch in "'\"":
            q = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            break
        out.append(ch)
    return "".join(out).rstrip()


def parse_package_list(text: str) -> list[dict]:
    """The `packages:` list of packages.yml / dependencies.yml / package-lock.yml."""
    items: list[dict] = []
    in_packages = False
    cur: dict | None = None
    item_indent = None
    pending_list_key = None
    for raw in text.splitlines():
        line = _strip_comment(raw)
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        s = line.strip()
        if indent == 0 and not s.startswith("-"):
            in_packages = s.startswith("packages:")
            cur, item_indent, pending_list_key = None, None, None
            continue
        if not in_packages:
            continue
        if s.startswith("- ") or s == "-":
            body = s[1:].strip()
            if item_indent is None or indent <= item_indent:
                item_indent = indent
                cur = {}
                items.append(cur)
                pending_list_key = None
                if ":" in body:
                    k, v = body.split(":", 1)
                    cur[k.strip()] = _scalar(v) if v.strip() else None
                    pending_list_key = k.strip() if not v.strip() else None
            elif cur is not None and pending_list_key:
                val = cur.get(pending_list_key)
                if not isinstance(val, list):
                    val = []
                val.append(_scalar(body))
                cur[pending_list_key] = val
            continue
        if cur is not None and ":" in s:
            k, v = s.split(":", 1)
            cur[k.strip()] = _scalar(v) if v.strip() else None
            pending_list_key = k.strip() if not v.strip() else None
    return items


def top_level_scalar(text: str, key: str) -> str | None:
    for raw in text.splitlines():
        m = re.match(rf"^{re.escape(key)}\s*:\s*(.+)$", _strip_comment(raw))
        if m:
            v = _scalar(m.group(1))
            return v if isinstance(v, str) else None
    return None


# ---------------------------------------------------------------------------------------------
# Versions and package installation
# ---------------------------------------------------------------------------------------------

def parse_version(s: str):
    m = re.match(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(.*)$", str(s).strip())
    if not m:
        return None
    rest = m.group(4)
    pre = bool(rest) and bool(re.match(r"^[-.]?(a|b|rc|alpha|beta|pre|dev)", rest, re.I) or rest.startswith("-"))
    return (int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)), pre


def satisfies(v: tuple, constraints: list[str]) -> bool:
    for c in constraints:
        c = str(c).strip()
        m = re.match(r"^(>=|<=|>|<|==|=)?\s*(.+)$", c)
        if not m:
            continue
        op, ver = m.group(1) or "==", parse_version(m.group(2))
        if ver is None:
            continue
        w = ver[0]
        ok = {">=": v >= w, "<=": v <= w, ">": v > w, "<": v < w, "==": v == w, "=": v == w}[op]
        if not ok:
            return False
    return True


class Packages:
    """Installs a dbt project's packages from local snapshots of their repositories."""

    def __init__(self, work: Path):
        self.cache = work / "packages"
        self.cache.mkdir(parents=True, exist_ok=True)
        self._tags: dict[str, list] = {}

    def tags(self, slug: str) -> list:
        if slug not in self._tags:
            repo = find_repo(slug)
            out = []
            for t in git(repo, "tag", "--list").split():
                pv = parse_version(t)
                if pv and not pv[1]:
                    out.append((pv[0], t))
            self._tags[slug] = sorted(out)
        return self._tags[slug]

    def pick_tag(self, slug: str, version) -> tuple[str, str | None]:
        """(tag, note) for a hub version spec: a pin, a list of ranges, or a single range."""
        cons = version if isinstance(version, list) else [version]
        cons = [str(c) for c in cons if c is not None]
        tags = self.tags(slug)
        if len(cons) == 1 and re.match(r"^v?\d+(\.\d+)*$", cons[0].strip()):
            want = parse_version(cons[0])[0]
            for v, t in tags:
                if v == want:
                    return t, None
            lower = [(v, t) for v, t in tags if v <= want and v[:2] == want[:2]] or \
                    [(v, t) for v, t in tags if v <= want]
            if lower:
                return lower[-1][1], f"{slug} {cons[0]} has no tag; used {lower[-1][1]}"
            raise HistoryError(f"{slug}: no tag for version {cons[0]}")
        ok = [(v, t) for v, t in tags if satisfies(v, cons)]
        if not ok:
            raise HistoryError(f"{slug}: no tag satisfies {cons}")
        return ok[-1][1], None

    def checkout(self, slug: str, rev: str, subdirectory: str | None = None) -> Path:
        dest = self.cache / slug.replace("/", "+") / re.sub(r"[^A-Za-z0-9._-]", "_", rev)
        if not dest.exists():
            repo = find_repo(slug)
            data = git(repo, "archive", "--format=tar", rev, binary=True)
            tmp = dest.with_name(dest.name + ".tmp")
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            with tarfile.open(fileobj=io.BytesIO(data)) as tf:
                tf.extractall(tmp, filter="data")
            tmp.rename(dest)
        return dest / subdirectory if subdirectory else dest

    @staticmethod
    def package_name(pkg_dir: Path) -> str:
        p = pkg_dir / "dbt_project.yml"
        name = top_level_scalar(p.read_text(errors="replace"), "name") if p.is_file() else None
        if not name:
            raise HistoryError(f"no name in {p}")
        return name

    @staticmethod
    def spec_file(project_dir: Path) -> Path | None:
        for f in ("packages.yml", "dependencies.yml"):
            p = project_dir / f
            if p.is_file() and parse_package_list(p.read_text(errors="replace")):
                return p
        return None

    def install(self, project_dir: Path) -> list[str]:
        """(Re)creates project_dir/dbt_packages; returns notes (what was installed, substitutions)."""
        dest = project_dir / "dbt_packages"
        if dest.is_symlink() or dest.is_file():
            dest.unlink()
        shutil.rmtree(dest, ignore_errors=True)
        spec = self.spec_file(project_dir)
        if spec is None:
            return []
        notes: list[str] = []
        lock = project_dir / "package-lock.yml"
        locked = {}
        if lock.is_file():
            for it in parse_package_list(lock.read_text(errors="replace")):
                if it.get("package") and it.get("version"):
                    locked[it["package"]] = it["version"]
        dest.mkdir(parents=True)
        installed: set[str] = set()
        queue = [(it, project_dir, True) for it in parse_package_list(spec.read_text(errors="replace"))]
        while queue:
            it, base, top = queue.pop(0)
            src: Path | None = None
            if it.get("local"):
                target = (base / str(it["local"])).resolve()
                name = self.package_name(target)
                if name in installed:
                    continue
                os.symlink(os.path.relpath(target, dest), dest / name)
                installed.add(name)
                notes.append(f"{name}: local {it['local']}")
                src = target
            else:
                if it.get("package"):
                    hub = str(it["package"])
                    slug = PACKAGE_REPOS.get(hub) or PACKAGE_REPOS.get(hub.lower())
                    if not slug:
                        raise HistoryError(f"package {hub} has no GitHub repository in PACKAGE_REPOS")
                    version = locked.get(hub, it.get("version")) if top else it.get("version")
                    tag, note = self.pick_tag(slug, version)
                    if note:
                        notes.append(note)
                    rev = tag
                elif it.get("git"):
                    m = re.search(r"github\.com[:/]([^/]+)/([^/]+?)(?:\.git)?/?$", str(it["git"]))
                    if not m:
                        raise HistoryError(f"git package {it['git']} is not on GitHub")
                    slug = f"{m.group(1)}/{m.group(2)}"
                    rev = str(it.get("revision") or "HEAD")
                    hub = slug
                else:
                    continue
                pkg = self.checkout(slug, rev, it.get("subdirectory"))
                name = self.package_name(pkg)
                if name in installed:
                    continue
                shutil.copytree(pkg, dest / name, symlinks=True, copy_function=os.link)
                installed.add(name)
                notes.append(f"{name}: {hub}@{rev}")
                src = pkg
            sub = self.spec_file(src)
            if sub is not None:
                queue.extend((x, src, False) for x in parse_package_list(sub.read_text(errors="replace")))
        return notes


# ---------------------------------------------------------------------------------------------
# Env vars and profiles
# ---------------------------------------------------------------------------------------------

ENV_RE = re.compile(r"""env_var\(\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*(,|\))""")


def required_env_vars(project_dir: Path) -> dict[str, str]:
    """env_var('X') calls without a default in the project and its packages -> a stable value."""
    names = set()
    seen = set()
    for root, dirs, files in os.walk(project_dir, followlinks=True):
        real = os.path.realpath(root)
        if real in seen:  # local packages are symlinks, often to a parent folder
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = [d for d in dirs if d not in (".git", "target", "logs", "node_modules", ".venv")
                   and os.path.realpath(os.path.join(root, d)) not in seen]
        for f in files:
            if f.endswith((".sql", ".yml", ".yaml", ".py", ".md", ".csv")) and not f.endswith(".csv"):
                try:
                    text = (Path(root) / f).read_text(errors="replace")
                except OSError:
                    continue
                if "env_var" not in text:
                    continue
                for m in ENV_RE.finditer(text):
                    if m.group(2) == ")":
                        names.add(m.group(1))
    return {n: ENV_VALUE for n in sorted(names) if not n.startswith("DBT_ENV_SECRET")} | \
        {n: ENV_VALUE for n in sorted(names) if n.startswith("DBT_ENV_SECRET")}


def write_profiles(work: Path, adapter: str, profile: str) -> Path:
    d = work / "profiles" / adapter / re.sub(r"[^A-Za-z0-9_-]", "_", profile or "default")
    d.mkdir(parents=True, exist_ok=True)
    out = PROFILE_OUTPUTS[adapter]
    lines = [f"{json.dumps(profile or 'default')}:", "  target: history", "  outputs:", "    history:"]
    lines += [f"      {k}: {json.dumps(v)}" for k, v in out.items()]
    (d / "profiles.yml").write_text("\n".join(lines) + "\n")
    return d


# ---------------------------------------------------------------------------------------------
# dbt: one long-lived worker process per project (dbtRunner, the documented programmatic entry)
# ---------------------------------------------------------------------------------------------

WORKER = r"""
import json, os, sys, traceback
os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
os.environ["DO_NOT_TRACK"] = "1"
from dbt.cli.main import dbtRunner
import dbt.version
print("@@READY@@" + json.dumps({"dbt": dbt.version.__version__}), flush=True)
base_env = dict(os.environ)
for line in sys.stdin:
    req = json.loads(line)
    out = {}
    try:
        os.environ.clear(); os.environ.update(base_env); os.environ.update(req.get("env", {}))
        os.chdir(req["cwd"])
        res = dbtRunner().invoke(["parse", "--quiet", "--no-partial-parse", "--no-version-check", *req["common"]])
        if not res.success:
            out["error"] = "dbt parse failed: %s" % (res.exception,)
        else:
            manifest = res.result
            out["counts"] = {}
            for n in manifest.nodes.values():
                out["counts"][n.resource_type] = out["counts"].get(n.resource_type, 0) + 1
            if req.get("state"):
                sel = {}
                for s in req["selectors"]:
                    r = dbtRunner(manifest=manifest).invoke(["ls", "--quiet", "--no-version-check", *req["common"],
                        "--resource-type", *req["types"], "--select", s, "--state", req["state"],
                        "--output", "json", "--output-keys", "unique_id"])
                    if not r.success:
                        out["error"] = "dbt ls %s failed: %s" % (s, r.exception)
                        break
                    ids = set()
                    for l in (r.result or []):
                        try:
                            o = json.loads(l)
                            ids.add(o["unique_id"])
                        except Exception:
                            pass
                    sel[s] = sorted(ids)
                out["selected"] = sel
    except BaseException as e:
        out["error"] = "exception: " + "".join(traceback.format_exception_only(type(e), e)).strip()
    print("@@RESULT@@" + json.dumps(out), flush=True)
"""


class DbtWorker:
    def __init__(self, python: str, log_dir: Path):
        self.python = python
        self.log_dir = log_dir
        self.proc = None
        self.version = None

    def start(self):
        env = {k: v for k, v in os.environ.items() if not (k.startswith("DBT_") and k != "DBT")}
        env.update({"DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1", "DBT_USE_COLORS": "false"})
        self.proc = subprocess.Popen([self.python, "-u", "-c", WORKER], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True,
                                     bufsize=1)
        first = self._read("@@READY@@", 300)
        self.version = first.get("dbt")

    def _read(self, marker: str, timeout: float) -> dict:
        deadline = time.time() + timeout
        noise = []
        while True:
            left = deadline - time.time()
            if left <= 0:
                self.stop()
                raise HistoryError(f"dbt worker timed out; last output:\n{tail(''.join(noise))}")
            r, _, _ = select.select([self.proc.stdout], [], [], left)
            if not r:
                continue
            line = self.proc.stdout.readline()
            if not line:
                self.stop()
                raise HistoryError(f"dbt worker died; last output:\n{tail(''.join(noise))}")
            if line.startswith(marker):
                res = json.loads(line[len(marker):])
                if noise and isinstance(res, dict) and res.get("error"):
                    res["output"] = tail("".join(noise), 40)
                return res
            noise.append(line)
            noise = noise[-200:]

    def request(self, req: dict) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        return self._read("@@RESULT@@", TIMEOUT_DBT)

    def stop(self):
        if self.proc and self.proc.poll() is None and self.proc.stdin.closed:
            self.proc.kill()
        if self.proc and self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=20)
            except Exception:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def dbt_python(dbt: str) -> str:
    with open(dbt, "rb") as f:
        first = f.readline().decode("utf-8", "replace").strip()
    if first.startswith("#!") and "python" in first:
        parts = first[2:].split()
        return parts[-1] if parts[0].endswith("/env") else parts[0]
    raise HistoryError(f"{dbt} is not a Python console script (need the dbt venv)")


# ---------------------------------------------------------------------------------------------
# Corpus checkouts
# ---------------------------------------------------------------------------------------------

# Top-level entries of a dbt project folder that dbt never reads: commits that change only these
# leave the project's dbt state as it was (the state is then reused, and a commit that touches
# nothing else gets dbt's empty answer without a parse).
IGNORED_TOP = {".github", ".circleci", ".gitlab-ci.yml", ".gitlab", ".vscode", ".devcontainer", "docs",
               "README.md", "CHANGELOG.md", "CONTRIBUTING.md", "LICENSE", "LICENSE.md", "CODEOWNERS",
               ".pre-commit-config.yaml", ".sqlfluff", ".sqlfluffignore", ".gitignore", ".gitattributes",
               "Makefile", "tox.ini", "requirements.txt", "dev-requirements.txt", "pyproject.toml", "uv.lock",
               "poetry.lock", "Dockerfile", "docker-compose.yml", "mkdocs.yml", ".python-version", ".editorconfig",
               "profiles.yml", "supported_adapters.env", ".changes", ".changie.yaml", "run_test.sh", "BUILD",
               "dbdocs.yml", ".env.example", "Pipfile", "Pipfile.lock", "setup.cfg"}


class Checkout:
    """A scratch clone of a corpus repository; one commit checked out at a time, packages installed."""

    def __init__(self, entry: dict, work: Path, packages: Packages, role: str):
        self.entry = entry
        self.src = find_repo(entry["repo"])
        self.path = work / "clones" / entry["name"] if role == "dbt" else work / "clones-rationale" / entry["name"]
        self.packages = packages
        self.current = None
        if not (self.path / ".git").exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["git", "clone", "-q", "--no-checkout", str(self.src), str(self.path)],
                           env=git_env(), check=True, capture_output=True, timeout=1800)
        # only the dbt project folders are checked out (snapshots lack files of 4 MiB and more,
        # which are seldom in a dbt project; a commit whose project does lack one is skipped)
        locals_ = sum(entry.get("local_package_dirs", {}).values(), [])
        dirs = [d for d in entry["dbt_projects"] + locals_ if d]
        if dirs and all(entry["dbt_projects"]) and all(locals_):
            git(self.path, "sparse-checkout", "set", "--cone", *sorted(set(dirs)))
        else:
            git(self.path, "sparse-checkout", "disable", check=False)

    def has(self, sha: str) -> bool:
        return subprocess.run(["git", "cat-file", "-e", f"{sha}^{{commit}}"], cwd=self.path, env=git_env(),
                              capture_output=True).returncode == 0

    def checkout(self, sha: str) -> list[str]:
        """Checks sha out (clean tree) and installs every dbt project's packages; returns notes."""
        git(self.path, "-c", "advice.detachedHead=false", "checkout", "-q", "-f", "--detach", sha)
        git(self.path, "clean", "-q", "-ffdx")
        self.current = sha
        notes = []
        for sub in self.entry["dbt_projects"]:
            pdir = self.path / sub if sub else self.path
            if (pdir / "dbt_project.yml").is_file():
                try:
                    notes += [f"{sub or '.'}: {n}" for n in self.packages.install(pdir)]
                except HistoryError as e:
                    notes.append(f"{sub or '.'}: packages not installed: {e}")
        return notes

    def _tree_key(self, sha: str, folder: str, exclude: set[str]) -> str | None:
        spec = f"{sha}:{folder}" if folder else f"{sha}^{{tree}}"
        p = subprocess.run(["git", "ls-tree", spec], cwd=self.path, env=git_env(), capture_output=True, text=True)
        if p.returncode != 0:
            return None
        keep = [l for l in p.stdout.splitlines() if l.split("\t", 1)[-1] not in exclude]
        return hashlib.sha1("\n".join(keep).encode()).hexdigest()

    def project_key(self, sha: str, sub: str) -> str | None:
        """The identity of a dbt project's inputs at sha: the git tree of its folder less what dbt
        never reads (IGNORED_TOP plus the entry's `key_exclude`), plus the trees of local packages
        outside it. None when the folder does not exist there."""
        exclude = IGNORED_TOP | set(self.entry.get("key_exclude", {}).get(sub, []))
        parts = [self._tree_key(sha, sub, exclude)]
        if parts[0] is None:
            return None
        for local in self.entry.get("local_package_dirs", {}).get(sub, []):
            parts.append(self._tree_key(sha, local, IGNORED_TOP | set(self.entry.get("key_exclude", {}).get(local, []))) or "")
        return hashlib.sha1("/".join(parts).encode()).hexdigest()[:16]


def parent_of(repo: Path, sha: str) -> str:
    return git(repo, "rev-parse", f"{sha}^1").strip()


def changed_files(repo: Path, parent: str, sha: str) -> list[str]:
    out = git(repo, "diff", "--name-status", "-M", parent, sha)
    return [l.replace("\t", " ") for l in out.splitlines() if l.strip()]


# ---------------------------------------------------------------------------------------------
# dbt side
# ---------------------------------------------------------------------------------------------

def dbt_cache_path(entry: dict, sha: str) -> Path:
    return DBT_CACHE / entry["name"] / f"{sha}.json"


class DbtSide:
    def __init__(self, entry: dict, work: Path, checkout: Checkout, worker: DbtWorker):
        self.entry = entry
        self.work = work
        self.co = checkout
        self.worker = worker
        self.state_root = work / "states" / entry["name"]

    def common(self, sub: str, target: Path) -> tuple[list[str], dict]:
        pdir = self.co.path / sub if sub else self.co.path
        text = (pdir / "dbt_project.yml").read_text(errors="replace")
        profile = top_level_scalar(text, "profile")
        prof = write_profiles(self.work, self.entry["adapter"], profile or "default")
        env = required_env_vars(pdir)
        env.update(self.entry.get("env", {}))
        args = ["--project-dir", str(pdir), "--profiles-dir", str(prof), "--target-path", str(target),
                "--log-path", str(self.work / "logs" / self.entry["name"])]
        if not profile:  # a package's own project often names none
            args += ["--profile", "default"]
        if self.entry.get("vars"):
            args += ["--vars", json.dumps(self.entry["vars"])]
        return args, env

    def state_dir(self, sub: str, key: str) -> Path:
        return self.state_root / (re.sub(r"[^A-Za-z0-9_-]", "_", sub) or "_root") / key

    def ensure_state(self, sha: str, sub: str) -> tuple[Path | None, str | None]:
        """P's state folder (parsed once per project tree), or the error dbt gave."""
        key = self.co.project_key(sha, sub)
        if key is None:
            return None, f"no dbt project {sub or '.'} at {sha[:10]}"
        d = self.state_dir(sub, key)
        if (d / "manifest.json").is_file():
            return d, None
        if (d / "error.txt").is_file():
            return None, (d / "error.txt").read_text()
        if self.co.current != sha:
            self.co.checkout(sha)
        d.mkdir(parents=True, exist_ok=True)
        args, env = self.common(sub, d)
        t0 = time.time()
        res = self.worker.request({"cwd": str(self.co.path / sub if sub else self.co.path), "common": args,
                                   "env": env})
        log(f"      parsed {sha[:10]} {sub or '.'} in {time.time() - t0:.0f}s {res.get('counts', '')}")
        if res.get("error"):
            (d / "error.txt").write_text(res["error"] + "\n" + res.get("output", ""))
            return None, res["error"] + "\n" + res.get("output", "")
        return d, None

    def answer(self, sha: str, parent: str) -> dict:
        rec: dict = {"commit": sha, "parent": parent, "dbt_version": None, "projects": {}}
        for sub in self.entry["dbt_projects"]:
            kp, kc = self.co.project_key(parent, sub), self.co.project_key(sha, sub)
            if kc is None:
                rec["projects"][sub] = {"error": f"no dbt project {sub or '.'} at the commit"}
                continue
            if kp is not None and kp == kc:
                rec["projects"][sub] = {"unchanged": True, "selected": {s: [] for s in SELECTORS}}
                continue
            state, err = self.ensure_state(parent, sub) if kp else (None, "no dbt project in the parent")
            if err:
                rec["projects"][sub] = {"error": "parent: " + err[-3000:]}
                continue
            if self.co.current != sha:
                rec.setdefault("packages", self.co.checkout(sha))
            d = self.state_dir(sub, kc)
            d.mkdir(parents=True, exist_ok=True)
            args, env = self.common(sub, d)
            t0 = time.time()
            res = self.worker.request({"cwd": str(self.co.path / sub if sub else self.co.path), "common": args,
                                       "env": env, "state": str(state), "selectors": SELECTORS,
                                       "types": RESOURCE_TYPES})
            log(f"      parsed+ls {sha[:10]} {sub or '.'} in {time.time() - t0:.0f}s {res.get('counts', '')}")
            if res.get("error"):
                if "dbt parse failed" in res["error"]:
                    (d / "error.txt").write_text(res["error"] + "\n" + res.get("output", ""))
                rec["projects"][sub] = {"error": "head: " + (res["error"] + "\n" + res.get("output", ""))[-3000:]}
                continue
            rec["projects"][sub] = {"selected": res["selected"], "env_vars": sorted(env), "counts": res.get("counts")}
        rec["dbt_version"] = self.worker.version
        return rec


# ---------------------------------------------------------------------------------------------
# rationale side
# ---------------------------------------------------------------------------------------------

def run_rationale(binary: str, entry: dict, co: Checkout, sha: str, parent: str, env_vars: dict) -> dict:
    cmd = [binary, "impact", "--base", parent, "--head", sha, "--dbt-compatible", "--format", "json",
           "--adapter", entry["adapter"]]
    if len(entry["dbt_projects"]) == 1:
        cmd += ["--project", entry["dbt_projects"][0] or "."]
    env = git_env()
    env.update(env_vars)
    t0 = time.time()
    try:
        p = subprocess.run(cmd, cwd=co.path, env=env, capture_output=True, timeout=TIMEOUT_RATIONALE)
    except subprocess.TimeoutExpired:
        return {"exit": "timeout", "stderr": f"timed out after {TIMEOUT_RATIONALE}s", "seconds": TIMEOUT_RATIONALE}
    out = {"exit": p.returncode, "seconds": round(time.time() - t0, 2)}
    if p.returncode != 0:
        out["stderr"] = tail(p.stderr.decode("utf-8", "replace"), 30)
        return out
    try:
        data = json.loads(p.stdout)
    except json.JSONDecodeError as e:
        out["exit"] = "bad-json"
        out["stderr"] = f"{e}: {p.stdout[:500]!r}"
        return out
    objs = data.get("projects") if isinstance(data.get("projects"), list) else [data]
    per = {}
    for o in objs:
        path = ((o.get("project") or {}).get("path") or "").strip("/")
        path = "" if path == "." else path
        nodes = {n.get("unique_id"): n for n in o.get("nodes", []) if isinstance(n, dict)}
        per[path] = {"name": (o.get("project") or {}).get("name"), "modified": sorted(o.get("modified") or []), "downstream": sorted(o.get("downstream") or []),
                     "reasons": {u: [r.get("code") + (f" ({r.get('detail')})" if r.get("detail") else "")
                                     for r in n.get("reasons", []) if isinstance(r, dict)]
                                 for u, n in nodes.items()},
                     "notes": o.get("notes") or [], "unresolved": o.get("unresolved") or []}
    out["projects"] = per
    return out


def models(ids) -> set[str]:
    return {i for i in ids if isinstance(i, str) and i.startswith("model.")}


PACKAGE_SPECS = ("packages.yml", "package-lock.yml", "dependencies.yml")


def compare(entry: dict, dbt_rec: dict, rat: dict, files: list[str] = ()) -> dict:
    """Per dbt project: agree on state:modified and on state:modified+, and the differences."""
    res = {"projects": {}, "modified_agree": True, "plus_agree": True}
    for sub in entry["dbt_projects"]:
        d = dbt_rec["projects"].get(sub, {})
        r = rat.get("projects", {}).get(sub, {"modified": [], "downstream": [], "reasons": {}})
        dm, dp = models(d["selected"]["state:modified"]), models(d["selected"]["state:modified+"])
        rm = models(r["modified"])
        rp = rm | models(r["downstream"])
        one = {
            "dbt_modified": sorted(dm), "dbt_plus_count": len(dp),
            "rationale_modified": sorted(rm), "rationale_plus_count": len(rp),
            "modified": {"agree": dm == rm, "only_rationale": sorted(rm - dm), "only_dbt": sorted(dm - rm)},
            "plus": {"agree": dp == rp, "only_rationale": sorted(rp - dp), "only_dbt": sorted(dp - rp)},
        }
        extra = set(one["modified"]["only_rationale"]) | set(one["plus"]["only_rationale"][:50])
        one["reasons"] = {u: r.get("reasons", {}).get(u, []) for u in sorted(extra)}
        if r.get("unresolved"):
            one["unresolved"] = r["unresolved"][:20]
        if r.get("notes"):
            one["notes"] = [n.get("code") for n in r["notes"] if isinstance(n, dict)][:20]
        # A package bump whose old package code is not installed (the harness installs the
        # commit's packages; rationale reads them for both sides): reported apart when rationale
        # says packages_changed and either the commit changes nothing else in this project (what
        # dbt adds are the models whose package macros or nodes changed) or the differences are
        # only the packages' own models.
        differing = one["modified"]["only_rationale"] + one["modified"]["only_dbt"]
        codes = [n.get("code") for n in r.get("notes", []) if isinstance(n, dict)]
        prefix = sub + "/" if sub else ""
        own = [f.split(" ")[-1] for f in files if f.split(" ")[-1].startswith(prefix)]
        only_specs = bool(own) and all(f[len(prefix):] in PACKAGE_SPECS for f in own)
        one["package_bump"] = bool(differing) and "packages_changed" in codes and r.get("name") is not None and (
            (only_specs and not one["modified"]["only_rationale"])
            or all(i.split(".")[1] != r["name"] for i in differing))
        res["projects"][sub] = one
        res["modified_agree"] &= one["modified"]["agree"]
        res["plus_agree"] &= one["plus"]["agree"]
    res["package_bump"] = (not (res["modified_agree"] and res["plus_agree"])
                           and all(o["package_bump"] or (o["modified"]["agree"] and o["plus"]["agree"])
                                   for o in res["projects"].values()))
    return res


# ---------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------

def short_files(files: list[str], n: int = 4) -> str:
    s = ", ".join(f.split(" ", 1)[0] + " " + f.split(" ")[-1].split("/")[-1] for f in files[:n])
    return s + (f" (+{len(files) - n})" if len(files) > n else "")


def fmt_ids(ids: list[str], n: int = 6) -> str:
    s = ", ".join(i.split(".", 1)[1] if i.startswith("model.") else i for i in ids[:n])
    return s + (f" (+{len(ids) - n})" if len(ids) > n else "")


def summarize(records: list[dict]) -> dict:
    s = {"commits": len(records), "dbt_refused": 0, "no_dbt_answer": 0, "rationale_error": 0, "compared": 0,
         "modified_agree": 0, "plus_agree": 0, "exit2": 0, "package_bump": 0}
    for r in records:
        st = r["status"]
        if st == "dbt_refused":
            s["dbt_refused"] += 1
        elif st == "no_dbt_answer":
            s["no_dbt_answer"] += 1
        elif st == "package_bump":
            s["package_bump"] += 1
        elif st == "rationale_error":
            s["rationale_error"] += 1
            s["compared"] += 1
            if r.get("rationale", {}).get("exit") == 2:
                s["exit2"] += 1
        else:
            s["compared"] += 1
            s["modified_agree"] += r["compare"]["modified_agree"]
            s["plus_agree"] += r["compare"]["plus_agree"]
    return s


def pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100.0 * a / b:.1f} %)" if b else "0/0"


def write_results_md(corpus: list[dict], all_records: dict[str, list[dict]]) -> str:
    lines = ["# History oracle: results", "",
             "`rationale impact --dbt-compatible` against dbt-core 1.11 `state:modified` / `state:modified+` "
             "on real commits of public dbt projects (models only). Generated by `Tests/history/run_history.py`; "
             "see README.md.", "",
             "| project | adapter | commits | dbt refused | no dbt answer | package bump (apart) | compared | "
             "agree state:modified | agree state:modified+ | rationale exit 2 | other rationale errors |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    tot = {"commits": 0, "dbt_refused": 0, "no_dbt_answer": 0, "package_bump": 0, "compared": 0, "modified_agree": 0,
           "plus_agree": 0, "exit2": 0, "rationale_error": 0}
    for e in corpus:
        recs = all_records.get(e["name"])
        if recs is None:
            continue
        s = summarize(recs)
        for k in tot:
            tot[k] += s[k]
        lines.append(f"| {e['name']} | {e['adapter']} | {s['commits']} | {s['dbt_refused']} | {s['no_dbt_answer']} | "
                     f"{s['package_bump']} | {s['compared']} | {pct(s['modified_agree'], s['compared'])} | {pct(s['plus_agree'], s['compared'])} | "
                     f"{s['exit2']} | {s['rationale_error'] - s['exit2']} |")
    lines.append(f"| **all** | | {tot['commits']} | {tot['dbt_refused']} | {tot['no_dbt_answer']} | {tot['package_bump']} | {tot['compared']} | "
                 f"{pct(tot['modified_agree'], tot['compared'])} | {pct(tot['plus_agree'], tot['compared'])} | "
                 f"{tot['exit2']} | {tot['rationale_error'] - tot['exit2']} |")
    lines += ["", "A commit agrees when, for every dbt project of the entry, the model sets are equal. "
              "\"dbt refused\": dbt 1.11 could not parse the parent or the commit (excluded from the figures). "
              "\"no dbt answer\": `--rationale-only` and no cached dbt answer. \"package bump (apart)\": the commit "
              "bumps a package and the only differences are the package's own models (the harness installs the "
              "commit's package versions; rationale reads the installed code for both sides and says "
              "`packages_changed`); listed below, excluded from the figures.", "",
              "## Disagreements", "",
              "| project | commit | kinds | changed files | dbt project | set | only rationale | only dbt |",
              "|---|---|---|---|---|---|---|---|"]
    for e in corpus:
        for r in all_records.get(e["name"], []):
            if r["status"] == "rationale_error":
                err = (r["rationale"].get("stderr") or "").strip().splitlines()
                lines.append(f"| {e['name']} | {r['commit'][:10]} | {', '.join(r.get('kinds', []))} | "
                             f"{short_files(r['files'])} | | rationale exit {r['rationale'].get('exit')} | "
                             f"{(err[-1] if err else '')[:160].replace('|', '/')} | |")
                continue
            if r["status"] not in ("compared", "package_bump"):
                continue
            for sub, one in r["compare"]["projects"].items():
                for key, label in (("modified", "state:modified"), ("plus", "state:modified+")):
                    d = one[key]
                    if d["agree"]:
                        continue
                    apart = " (package bump, apart)" if r["status"] == "package_bump" else ""
                    lines.append(f"| {e['name']} | {r['commit'][:10]} | {', '.join(r.get('kinds', []))} | "
                                 f"{short_files(r['files'])} | {sub or '.'} | {label}{apart} | "
                                 f"{fmt_ids(d['only_rationale'])} | {fmt_ids(d['only_dbt'])} |")
    refused = [(e["name"], r) for e in corpus for r in all_records.get(e["name"], []) if r["status"] == "dbt_refused"]
    if refused:
        lines += ["", "## dbt refused", "", "| project | commit | error |", "|---|---|---|"]
        for name, r in refused:
            errs = [v.get("error", "") for v in r["dbt"]["projects"].values() if v.get("error")]
            first = next((l for l in (errs[0] if errs else "").splitlines() if l.strip()), "")
            lines.append(f"| {name} | {r['commit'][:10]} | {first[:200].replace('|', '/')} |")
    RESULTS_MD.write_text("\n".join(lines) + "\n")
    return "\n".join(lines[4:lines.index("", 5)])


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

def load_corpus() -> list[dict]:
    data = json.loads(CORPUS.read_text())
    return data["projects"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rationale", default=os.environ.get("RATIONALE_BIN") or str(REPO_ROOT / ".build/release/rationale"))
    ap.add_argument("--dbt", default=os.environ.get("DBT") or str(REPO_ROOT / ".build/oracle-venv/bin/dbt"))
    ap.add_argument("--project", action="append", help="only this corpus project (repeatable)")
    ap.add_argument("--commit", action="append", help="only this commit (a prefix is enough; repeatable)")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--dbt-only", action="store_true", help="only fill the dbt cache")
    g.add_argument("--rationale-only", action="store_true", help="never call dbt; commits without a cached answer are skipped")
    ap.add_argument("--refresh-dbt", action="store_true", help="ignore cached dbt answers of the selected commits")
    ap.add_argument("--limit", type=int, default=0, help="ask dbt about at most this many commits per project")
    args = ap.parse_args()

    try:
        corpus = load_corpus()
    except (OSError, ValueError, KeyError) as e:
        print(f"cannot read {CORPUS}: {e}", file=sys.stderr)
        return 2
    if args.project:
        unknown = set(args.project) - {e["name"] for e in corpus}
        if unknown:
            print(f"unknown project(s): {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        corpus = [e for e in corpus if e["name"] in args.project]
    if not args.dbt_only:
        binary = os.path.abspath(args.rationale)
        if not os.access(binary, os.X_OK):
            print(f"no rationale binary at {binary} (make release, or --rationale PATH)", file=sys.stderr)
            return 2
        # a stable copy: the binary may be rebuilt while this runs
        stable = work_root() / "bin" / "rationale"
        stable.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(Path(binary).read_bytes()).hexdigest()
        stamp = work_root() / "bin" / "rationale.sha256"
        if not stamp.is_file() or stamp.read_text().strip() != digest:
            # Another build: the scratch clones' caches were written by the old one, whose
            # answers they hold (a cache is keyed by the tool's version, which a development
            # build does not change), so they go.
            for cache in (work_root() / "clones-rationale").glob("*/.git/rationale"):
                shutil.rmtree(cache, ignore_errors=True)
            stamp.write_text(digest + "\n")
        shutil.copy2(binary, stable)
        binary = str(stable)
    worker_python = None
    if not args.rationale_only:
        try:
            worker_python = dbt_python(args.dbt)
        except (OSError, HistoryError) as e:
            print(f"no usable dbt at {args.dbt}: {e} (make oracle-venv, or --dbt PATH)", file=sys.stderr)
            return 2

    work = work_root()
    work.mkdir(parents=True, exist_ok=True)
    packages = Packages(work)
    all_records: dict[str, list[dict]] = {}
    # results of projects not run now are kept from the previous run for RESULTS.md
    full_corpus = load_corpus()
    for e in full_corpus:
        p = RESULTS_DIR / f"{e['name']}.json"
        if p.is_file() and e not in corpus:
            try:
                all_records[e["name"]] = json.loads(p.read_text())["records"]
            except (ValueError, KeyError):
                pass
    t_start = time.time()
    for entry in corpus:
        commits = entry["commits"]
        if args.commit:
            commits = [c for c in commits if any(c["sha"].startswith(x) for x in args.commit)]
        if not commits:
            continue
        log(f"== {entry['name']} ({entry['repo']}, {entry['adapter']}, {len(commits)} commits)")
        try:  # one clone for dbt, one for rationale (a --rationale-only run may go on beside --dbt-only)
            co = Checkout(entry, work, packages, "dbt")
            rco = Checkout(entry, work, packages, "rationale") if not args.dbt_only else None
        except (HistoryError, subprocess.SubprocessError) as e:
            print(f"cannot prepare {entry['name']}: {e}", file=sys.stderr)
            return 2
        # chronological order: the parent's state is usually the previous commit's
        order = {sha: i for i, sha in enumerate(git(co.src, "rev-list", "--first-parent", "--reverse",
                                                            entry.get("branch", "HEAD")).split())}
        commits = sorted(commits, key=lambda c: order.get(c["sha"], -1))
        worker = DbtWorker(worker_python, work / "logs") if worker_python else None
        if worker:
            import atexit
            atexit.register(worker.stop)
        dside = DbtSide(entry, work, co, worker) if worker else None
        records = []
        prev = {}
        rp = RESULTS_DIR / f"{entry['name']}.json"
        if rp.is_file() and args.commit:
            try:
                prev = {r["commit"]: r for r in json.loads(rp.read_text())["records"]}
            except (ValueError, KeyError):
                prev = {}
        asked = 0
        for i, c in enumerate(commits, 1):
            sha = c["sha"]
            if not co.has(sha):
                log(f"  [{i}/{len(commits)}] {sha[:10]} not in the repository snapshot; skipped")
                continue
            parent = parent_of(co.src, sha)
            files = changed_files(co.src, parent, sha)
            cache = dbt_cache_path(entry, sha)
            dbt_rec = None
            if cache.is_file() and not args.refresh_dbt:
                dbt_rec = json.loads(cache.read_text())
            elif not args.rationale_only and not (args.limit and asked >= args.limit):
                asked += 1
                log(f"  [{i}/{len(commits)}] {sha[:10]} dbt ...")
                try:
                    dbt_rec = dside.answer(sha, parent)
                except HistoryError as e:
                    dbt_rec = {"commit": sha, "parent": parent, "projects": {s: {"error": f"harness: {e}"} for s in entry["dbt_projects"]}}
                dbt_rec["kinds"] = c.get("kinds", [])
                errors = " ".join(v.get("error", "") for v in dbt_rec["projects"].values())
                if any(m in errors for m in HARNESS_ERRORS):
                    # not dbt's verdict on the commit: the harness could not run it (not cached)
                    log(f"  [{i}/{len(commits)}] {sha[:10]} dbt could not run: {errors.strip()[:300]}")
                    dbt_rec = None
                else:
                    cache.parent.mkdir(parents=True, exist_ok=True)
                    cache.write_text(json.dumps(dbt_rec, indent=1, sort_keys=True) + "\n")
            rec = {"commit": sha, "parent": parent, "subject": c.get("subject", ""), "kinds": c.get("kinds", []),
                   "files": files}
            if dbt_rec is None:
                rec["status"] = "no_dbt_answer"
                records.append(rec)
                continue
            rec["dbt"] = dbt_rec
            if any(v.get("error") for v in dbt_rec["projects"].values()):
                rec["status"] = "dbt_refused"
                records.append(rec)
                log(f"  [{i}/{len(commits)}] {sha[:10]} dbt refused")
                continue
            if args.dbt_only:
                if sha in prev:
                    records.append(prev[sha])
                continue
            notes = rco.checkout(sha)
            env_vars = {}
            for sub in entry["dbt_projects"]:
                env_vars.update(required_env_vars(rco.path / sub if sub else rco.path))
            env_vars.update(entry.get("env", {}))
            rat = run_rationale(binary, entry, rco, sha, parent, env_vars)
            rec["rationale"] = {k: v for k, v in rat.items() if k != "projects"}
            rec["packages"] = notes
            if rat["exit"] != 0:
                rec["status"] = "rationale_error"
                log(f"  [{i}/{len(commits)}] {sha[:10]} rationale exit {rat['exit']}: "
                    f"{(rat.get('stderr') or '').strip().splitlines()[-1:] }")
            else:
                rec["compare"] = compare(entry, dbt_rec, rat, rec.get("files", []))
                rec["status"] = "package_bump" if rec["compare"]["package_bump"] else "compared"
                cm = rec["compare"]
                log(f"  [{i}/{len(commits)}] {sha[:10]} modified {'agree' if cm['modified_agree'] else 'DIFFER'}, "
                    f"modified+ {'agree' if cm['plus_agree'] else 'DIFFER'} ({rat['seconds']}s)")
            records.append(rec)
        if worker:
            worker.stop()
        if prev and (args.commit or args.dbt_only):
            # a partial run: the other commits keep their previous records
            done = {r["commit"]: r for r in records}
            records = [done.get(c["sha"]) or prev.get(c["sha"]) for c in entry["commits"]]
            records = [r for r in records if r is not None]
        if not args.dbt_only:  # a --dbt-only run leaves results/ to the next full or --rationale-only run
            RESULTS_DIR.mkdir(parents=True, exist_ok=True)
            for r in records:
                r.pop("dbt", None) if r.get("status") in ("compared", "package_bump") else None
            rp.write_text(json.dumps({"project": entry["name"], "repo": entry["repo"], "adapter": entry["adapter"],
                                      "records": records}, indent=1) + "\n")
        all_records[entry["name"]] = records
        s = summarize(records)
        log(f"   {entry['name']}: {s['compared']} compared, state:modified {pct(s['modified_agree'], s['compared'])}, "
            f"state:modified+ {pct(s['plus_agree'], s['compared'])}, dbt refused {s['dbt_refused']}, "
            f"rationale errors {s['rationale_error']}, no dbt answer {s['no_dbt_answer']}")
    if args.dbt_only:
        log(f"dbt cache filled ({time.time() - t_start:.0f}s)")
        return 0
    table = write_results_md(full_corpus, all_records)
    log(table)
    log(f"wrote {RESULTS_MD.relative_to(REPO_ROOT)} ({time.time() - t_start:.0f}s)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
