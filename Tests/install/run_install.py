#!/usr/bin/env python3
"""Install test: `make install` into a temporary PREFIX, the installed copy used from elsewhere.

    python3 Tests/install/run_install.py [--keep] [-v]      # $MAKE picks the make program

Run by `make install-test` (part of `make test`), which builds the release binary, the shell
completions and the man page first. The script

  1. runs `make install PREFIX=<tmp>/prefix` in the package root;
  2. from a folder outside the package (`<tmp>/elsewhere`), runs the installed binary by its path:
       version      `rationale --version` prints the version (exit 0);
       demo         `rationale demo --into <tmp>/demo` exits 0 and its last line names the folder;
       session      in a fresh git repository, `rationale session start "First session"` exits 0
                    and writes SUMMARY.md from the templates the binary carries;
       mcp          in it, `rationale mcp` execs the installed rationale-net, which answers an
                    MCP initialize request on its standard input;
  3. checks the files: the bash, zsh and fish completions and the man page are non-empty, the
     bash completion offers `session`, the man page documents `impact`;
  4. runs `make uninstall PREFIX=<tmp>/prefix`: every installed file is gone, nothing else is;
  5. the same with `DESTDIR=<tmp>/stage PREFIX=/usr`: the files land under the stage folder;
  6. clones the package (committed files only: no Package.resolved, no .build) and runs
     `make -n install` there: every prerequisite has a rule.

One line per check (PASS/FAIL, with the output's tail on failure). Exit 0 all passed, 1 a check
failed, 2 the test could not run (make or git missing, the install itself failed).

PATH keeps only the system folders (the package's `.build` never on it), so the installed copy
cannot fall back to a binary in the package. Git runs hermetically (no system or global config,
HOME in the temporary folder, fixed names and dates). Python 3.9+ standard library only; no
network.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE_ROOT = HERE.parent.parent
TIMEOUT = 600  # seconds, per subprocess

# Where `make install` puts each file, relative to PREFIX (the Makefile's one list, checked here).
INSTALLED = {
    "binary": "bin/rationale",
    "network binary": "bin/rationale-net",
    "bash completion": "share/bash-completion/completions/rationale",
    "zsh completion": "share/zsh/site-functions/_rationale",
    "fish completion": "share/fish/vendor_completions.d/rationale.fish",
    "man page": "share/man/man1/rationale.1",
}


class SetupError(Exception):
    """A step the checks rely on failed: the test could not run (exit 2)."""


class Checks:
    """Counts and prints PASS/FAIL lines."""

    def __init__(self, verbose: bool) -> None:
        self.failed = 0
        self.verbose = verbose

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        print(f"{'PASS' if ok else 'FAIL'} {name}")
        if not ok:
            self.failed += 1
            if detail:
                print("  " + "\n  ".join(detail.strip().splitlines()[-20:]))
        elif self.verbose and detail:
            print("  " + "\n  ".join(detail.strip().splitlines()[-5:]))
        return ok


def hermetic_env(tmp: Path) -> dict:
    """Hermetic git, a bare PATH (no .build), no inherited rationale or git settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "RATIONALE_"))}
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    env.update({
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "PATH": os.pathsep.join(p for p in ("/usr/local/bin", "/usr/bin", "/bin") if Path(p).is_dir()),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_AUTHOR_NAME": "Install Test",
        "GIT_AUTHOR_EMAIL": "install@example.com",
        "GIT_AUTHOR_DATE": "2024-01-02T03:04:05+00:00",
        "GIT_COMMITTER_NAME": "Install Test",
        "GIT_COMMITTER_EMAIL": "install@example.com",
        "GIT_COMMITTER_DATE": "2024-01-02T03:04:05+00:00",
        "NO_COLOR": "1",
        "LC_ALL": "C.UTF-8",
    })
    env.pop("MAKEFLAGS", None)
    env.pop("MFLAGS", None)
    return env


def run(args: list, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=str(cwd), env=env, capture_output=True,
                          text=True, timeout=TIMEOUT)


def make(target: str, variables: dict, env: dict) -> subprocess.CompletedProcess:
    make_program = os.environ.get("MAKE") or "make"
    # The build tools (swift, pkg-config) need the caller's PATH; the checks below do not.
    build_env = dict(env, PATH=os.environ.get("PATH", os.defpath))
    args = [make_program, "--no-print-directory", "-C", PACKAGE_ROOT, target]
    args += [f"{key}={value}" for key, value in variables.items()]
    return run(args, PACKAGE_ROOT, build_env)


def installed_files(root: Path) -> list:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() or p.is_symlink())


def check_installed_copy(checks: Checks, prefix: Path, tmp: Path, env: dict) -> None:
    binary = prefix / INSTALLED["binary"]
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()

    result = run([binary, "--version"], elsewhere, env)
    checks.check("version: `rationale --version` exits 0 and prints a version",
                 result.returncode == 0 and re.fullmatch(r"\d+\.\d+\.\d+\S*", result.stdout.strip()) is not None,
                 result.stdout + result.stderr)

    demo = tmp / "demo"
    result = run([binary, "demo", "--into", demo], elsewhere, env)
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    checks.check("demo: exits 0 and its last line names the folder",
                 result.returncode == 0 and str(demo) in last, result.stdout + result.stderr)
    checks.check("demo: the hooks it installed run the installed binary",
                 str(binary) in ((demo / ".git/hooks/pre-commit").read_text(errors="replace")
                                 if (demo / ".git/hooks/pre-commit").exists() else ""))

    repo = tmp / "fresh"
    repo.mkdir()
    if run(["git", "init", "-q", "-b", "main"], repo, env).returncode != 0:
        raise SetupError("git init failed")
    result = run([binary, "session", "start", "First session"], repo, env)
    summaries = list((repo / ".project/sessions").glob("*-first-session/SUMMARY.md"))
    text = summaries[0].read_text() if summaries else ""
    checks.check("session: `session start` exits 0 and writes SUMMARY.md from the embedded templates",
                 result.returncode == 0 and "rationale:session title=\"First session\"" in text
                 and "## Problem, in my words" in text and "[[fill:" in text,
                 result.stdout + result.stderr)

    initialize = ('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",'
                  '"capabilities":{},"clientInfo":{"name":"install-test","version":"1"}}}\n')
    served = subprocess.run([binary, "mcp"], cwd=repo, env=env, input=initialize, capture_output=True, text=True, timeout=TIMEOUT)
    checks.check("mcp: `rationale mcp` runs the installed rationale-net, which answers initialize",
                 served.returncode == 0 and '"name":"rationale"' in served.stdout, served.stdout + served.stderr)

    for name, relative in INSTALLED.items():
        path = prefix / relative
        checks.check(f"files: {name} at PREFIX/{relative}, not empty",
                     path.is_file() and path.stat().st_size > 0)
    bash = prefix / INSTALLED["bash completion"]
    checks.check("files: the bash completion offers `session`",
                 bash.is_file() and "session" in bash.read_text(errors="replace"))
    man = prefix / INSTALLED["man page"]
    man_text = man.read_text(errors="replace") if man.is_file() else ""
    checks.check("files: the man page is mdoc and documents `impact`",
                 man_text.lstrip().startswith(".\\\"") and ".Dt RATIONALE 1" in man_text and "impact" in man_text)
    checks.check("files: the binary is executable", os.access(binary, os.X_OK))
    network = prefix / INSTALLED["network binary"]
    checks.check("files: the network binary is executable", os.access(network, os.X_OK))
    ldd = subprocess.run(["ldd", str(binary)], capture_output=True, text=True)
    checks.check("files: the hook's binary loads no HTTP stack (libcurl is rationale-net's)",
                 ldd.returncode == 0 and "libcurl" not in ldd.stdout, ldd.stdout + ldd.stderr)
    # publish without a token: rationale hands it to rationale-net beside it, which says what is missing.
    (elsewhere / "narrative.md").write_text("## Why\n")
    result = run([binary, "publish", "--github", "--file", "narrative.md"], elsewhere, env)
    checks.check("publish: `rationale publish` is handed to rationale-net (no token: exit 2, said by it)",
                 result.returncode == 2 and result.stderr.strip() != "" and "not installed beside" not in result.stderr,
                 result.stdout + result.stderr)


def check_fresh_clone(checks: Checks, tmp: Path, env: dict) -> None:
    """A fresh clone has no Package.resolved (git ignores it) and no .build: `make install` must
    still know how to make everything (a dry run: every prerequisite has a rule; the build itself
    is the one above)."""
    clone = tmp / "clone"
    result = run(["git", "clone", "-q", "--no-hardlinks", str(PACKAGE_ROOT), str(clone)], tmp, env)
    if result.returncode != 0:
        raise SetupError("git clone of the package failed:\n" + result.stdout + result.stderr)
    result = run([os.environ.get("MAKE") or "make", "-n", "install", f"PREFIX={tmp / 'fresh-prefix'}"], clone, env)
    checks.check("fresh clone: `make -n install` finds a rule for every prerequisite (no Package.resolved, no .build)",
                 result.returncode == 0 and "swift build -c release" in result.stdout,
                 result.stdout[-2000:] + result.stderr[-2000:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("-v", "--verbose", action="store_true")
    options = parser.parse_args()
    for program in ("git", os.environ.get("MAKE") or "make"):
        if shutil.which(program) is None:
            print(f"cannot run: `{program}` is not on PATH", file=sys.stderr)
            return 2

    tmp = Path(tempfile.mkdtemp(prefix="rationale-install-")).resolve()
    checks = Checks(options.verbose)
    try:
        env = hermetic_env(tmp)
        prefix = tmp / "prefix"
        result = make("install", {"PREFIX": prefix}, env)
        if result.returncode != 0:
            raise SetupError("make install failed:\n" + result.stdout + result.stderr)
        checks.check("install: exactly the six files under PREFIX",
                     installed_files(prefix) == sorted(INSTALLED.values()), "\n".join(installed_files(prefix)))

        check_installed_copy(checks, prefix, tmp, env)

        (prefix / "share/keep-me").write_text("not ours\n")
        result = make("uninstall", {"PREFIX": prefix}, env)
        checks.check("uninstall: removes every installed file and nothing else",
                     result.returncode == 0 and installed_files(prefix) == ["share/keep-me"],
                     result.stdout + result.stderr + "\n".join(installed_files(prefix)))

        stage = tmp / "stage"
        result = make("install", {"DESTDIR": stage, "PREFIX": "/usr"}, env)
        expected = sorted("usr/" + path for path in INSTALLED.values())
        checks.check("DESTDIR: install writes the files under DESTDIR/PREFIX",
                     result.returncode == 0 and installed_files(stage) == expected,
                     result.stdout + result.stderr + "\n".join(installed_files(stage)))
        result = make("uninstall", {"DESTDIR": stage, "PREFIX": "/usr"}, env)
        checks.check("DESTDIR: uninstall removes them", result.returncode == 0 and installed_files(stage) == [],
                     result.stdout + result.stderr)

        check_fresh_clone(checks, tmp, env)
    except SetupError as error:
        print(f"cannot run: {error}", file=sys.stderr)
        return 2
    finally:
        if options.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"install test: {'all passed' if checks.failed == 0 else f'{checks.failed} failed'}")
    return 0 if checks.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
