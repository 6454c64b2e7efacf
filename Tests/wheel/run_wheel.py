#!/usr/bin/env python3
"""Wheel test: the built wheel installs with pip and runs with nothing of this machine's.

    python3 Tests/wheel/run_wheel.py WHEEL [--debootstrap ROOT] [--keep] [-v]

Run by `make wheel-check` (part of `make test`) and `make wheel-test` (on demand, with a minimal
Debian root made by debootstrap). The script

  1. installs the wheel with pip into a new virtual environment (no index, no network);
  2. checks the installed binaries (rationale, rationale-net) with `ldd`: every library it loads is inside the environment
     (`lib/rationale/`), or glibc, libstdc++, libgcc_s or zlib;
  3. runs the installed command with a bare environment (`env -i PATH=<venv>/bin:/usr/bin:/bin`):
     `--version`, `demo --into <tmp>`, `impact` in the demo's repository, and `rationale mcp`
     (the wheel's rationale-net) answering an MCP initialize request;
  4. with --debootstrap ROOT (a Debian minbase root with python3, python3-venv and git, and no
     Swift, libgit2 or libcurl): the same inside `chroot ROOT` (as root).

One line per check (PASS/FAIL, with the output's tail on failure). Exit 0 all passed, 1 a check
failed, 2 the test could not run. Python 3.9+ standard library only.
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

TIMEOUT = 600
ALLOWED = re.compile(r"^(linux-vdso|ld-linux[^ ]*|libc|libm|libdl|libpthread|librt|libresolv|libutil|libstdc\+\+|libgcc_s|libz)\.so")


class Checks:
    def __init__(self, verbose: bool) -> None:
        self.failed = 0
        self.verbose = verbose

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        print(f"{'PASS' if ok else 'FAIL'} {name}")
        if (not ok or self.verbose) and detail:
            print("    " + detail.strip()[-3000:].replace("\n", "\n    "))
        if not ok:
            self.failed += 1
        return ok


def run(args: list, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, env=env, cwd=cwd, timeout=TIMEOUT)


def bare_env(bin_dir: str, home: str) -> dict:
    return {
        "PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": home, "LANG": "C", "LC_ALL": "C",
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
    }


def check_install(checks: Checks, label: str, prefix: list, venv: str, work: str) -> None:
    """Checks the installed command; `prefix` runs a command where the venv is (`[]` or chroot)."""
    env = bare_env(f"{venv}/bin", work)
    for name in ("rationale", "rationale-net"):
        binary = f"{venv}/bin/{name}"
        result = run(prefix + ["/usr/bin/env", "-i"] + [f"{k}={v}" for k, v in env.items()] + ["ldd", binary])
        outside = []
        for line in result.stdout.splitlines():
            match = re.match(r"\s*(\S+)\s+=>\s+(\S+)", line)
            if not match or ALLOWED.match(match.group(1)):
                continue
            if not os.path.normpath(match.group(2)).startswith(f"{venv}/lib/rationale/"):
                outside.append(line.strip())
        missing = [line.strip() for line in result.stdout.splitlines() if "not found" in line]
        checks.check(f"{label}: ldd finds every library of {name} in the wheel or the allowed system set",
                     result.returncode == 0 and not outside and not missing, result.stdout + result.stderr)
        if name == "rationale":
            checks.check(f"{label}: the hook's binary loads no HTTP stack (libcurl is rationale-net's)",
                         "libcurl" not in result.stdout, result.stdout)

    def rationale(*args: str) -> subprocess.CompletedProcess:
        return run(prefix + ["/usr/bin/env", "-i"] + [f"{k}={v}" for k, v in env.items()] + ["rationale", *args])

    result = rationale("--version")
    checks.check(f"{label}: `rationale --version` with a bare environment", result.returncode == 0
                 and re.fullmatch(r"\d+(\.\d+)*\n", result.stdout) is not None, result.stdout + result.stderr)
    demo = f"{work}/demo"
    result = rationale("demo", "--into", demo)
    checks.check(f"{label}: `rationale demo` walks the whole loop", result.returncode == 0
                 and "rationale gate: passed" in result.stdout, result.stdout[-1500:] + result.stderr)
    result = run(prefix + ["/usr/bin/env", "-i"] + [f"{k}={v}" for k, v in env.items()]
                 + ["rationale", "impact", "-C", demo, "--base", "main", "--format", "json"])
    checks.check(f"{label}: `rationale impact` on the demo's repository", result.returncode == 0
                 and '"stg_payments"' in result.stdout, result.stdout[-1500:] + result.stderr)
    initialize = ('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",'
                  '"capabilities":{},"clientInfo":{"name":"wheel-test","version":"1"}}}\n')
    result = subprocess.run(prefix + ["/usr/bin/env", "-i"] + [f"{k}={v}" for k, v in env.items()] + ["rationale", "mcp", "-C", demo],
                            input=initialize, capture_output=True, text=True, timeout=120)
    checks.check(f"{label}: `rationale mcp` runs the wheel's rationale-net, which answers initialize",
                 result.returncode == 0 and '"name":"rationale"' in result.stdout, result.stdout[-1500:] + result.stderr)


def check_action(checks: Checks, wheel: Path, tmp: Path, repo: str) -> None:
    """The composite action's scripts (action.yml) as a runner runs them: install from the wheel
    checked against its SHA-256, then gate and narrate in the demo's repository."""
    package = Path(__file__).resolve().parent.parent.parent
    runner = tmp / "runner"
    runner.mkdir()
    github_path, github_output = runner / "path", runner / "output"
    digest = subprocess.run(["sha256sum", str(wheel)], capture_output=True, text=True, check=True).stdout.split()[0]
    base = {**bare_env("/usr/bin", str(tmp / "home")), "RUNNER_TEMP": str(runner), "GITHUB_PATH": str(github_path),
            "GITHUB_OUTPUT": str(github_output), "ACTION_PATH": str(package)}
    script = package / "ci/github/install-rationale.sh"
    wrong = run(["bash", script], env={**base, "WHEEL": str(wheel), "WHEEL_SHA256": "0" * 64})
    checks.check("action: a wheel whose SHA-256 differs is refused, exit 2", wrong.returncode == 2
                 and "does not have the SHA-256" in wrong.stdout and not (runner / "rationale-bin").exists(), wrong.stdout + wrong.stderr)
    shutil.rmtree(runner / "rationale-venv", ignore_errors=True)
    result = run(["bash", script], env={**base, "WHEEL": str(wheel), "WHEEL_SHA256": digest})
    on_path = github_path.read_text().split() if github_path.exists() else []
    checks.check("action: install puts only $RUNNER_TEMP/rationale-bin on PATH", result.returncode == 0
                 and on_path == [str(runner / "rationale-bin")] and os.listdir(runner / "rationale-bin") == ["rationale"],
                 result.stdout + result.stderr + str(on_path))
    script = package / "ci/github/run-rationale.sh"
    env = {**base, "PATH": f"{runner / 'rationale-bin'}:/usr/bin:/bin", "BASE": "main", "HEAD": "HEAD"}
    result = run(["bash", script], env={**env, "COMMAND": "gate"}, cwd=Path(repo))
    checks.check("action: command gate passes on the demo's branch", result.returncode == 0
                 and "rationale gate: passed" in result.stdout, result.stdout + result.stderr)
    result = run(["bash", script], env={**env, "COMMAND": "narrate"}, cwd=Path(repo))
    written = runner / "narrative.md"
    checks.check("action: command narrate writes the narrative and names it as the step's output", result.returncode == 0
                 and written.is_file() and f"file={written}" in github_output.read_text(), result.stdout + result.stderr)
    result = run(["bash", script], env={**env, "COMMAND": "rm -rf /"}, cwd=Path(repo))
    checks.check("action: an unknown command is refused, exit 2", result.returncode == 2
                 and "command must be install, gate, narrate or publish" in result.stdout, result.stdout + result.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path)
    parser.add_argument("--debootstrap", type=Path, help="a Debian minbase root with python3, python3-venv and git")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true")
    options = parser.parse_args()
    wheel = options.wheel.resolve()
    if not wheel.is_file():
        print(f"cannot run: no wheel at {wheel} (make wheel builds it)", file=sys.stderr)
        return 2
    checks = Checks(options.verbose)
    tmp = Path(tempfile.mkdtemp(prefix="rationale-wheel-test-")).resolve()
    try:
        venv = tmp / "venv"
        result = run([sys.executable, "-m", "venv", venv])
        if result.returncode != 0:
            print("cannot run: python3 -m venv failed:\n" + result.stderr, file=sys.stderr)
            return 2
        result = run([venv / "bin/pip", "install", "-q", "--no-index", wheel])
        checks.check("pip installs the wheel into a new environment, offline", result.returncode == 0, result.stdout + result.stderr)
        if result.returncode == 0:
            (tmp / "home").mkdir()
            check_install(checks, "venv", [], str(venv), str(tmp / "home"))
            check_action(checks, wheel, tmp, str(tmp / "home" / "demo"))

        if options.debootstrap:
            root = options.debootstrap.resolve()
            if os.geteuid() != 0 or not (root / "usr/bin/python3").exists():
                print(f"cannot run: --debootstrap needs root and a root with python3 ({root})", file=sys.stderr)
                return 2
            for forbidden in ("usr/bin/swift", "usr/lib/x86_64-linux-gnu/libgit2.so.1.5", "usr/lib/x86_64-linux-gnu/libcurl.so.4"):
                checks.check(f"debootstrap: the root has no {forbidden}", not (root / forbidden).exists())
            inside = Path("/rationale-wheel-test")
            shutil.rmtree(root / inside.relative_to("/"), ignore_errors=True)
            (root / inside.relative_to("/") / "home").mkdir(parents=True)
            shutil.copy2(wheel, root / inside.relative_to("/") / wheel.name)
            chroot = ["chroot", root]
            # As in a container: the loader finds $ORIGIN (the wheel's libraries) through /proc.
            mounted = not os.path.ismount(root / "proc")
            if mounted and run(["mount", "-t", "proc", "proc", root / "proc"]).returncode != 0:
                print(f"cannot run: mount -t proc proc {root / 'proc'} failed", file=sys.stderr)
                return 2
            try:
                debootstrap_checks(checks, chroot, root, inside, wheel)
            finally:
                if mounted:
                    run(["umount", root / "proc"])
            if not options.keep:
                shutil.rmtree(root / inside.relative_to("/"), ignore_errors=True)
    finally:
        if options.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"wheel test: {'all passed' if checks.failed == 0 else f'{checks.failed} failed'}")
    return 0 if checks.failed == 0 else 1


def debootstrap_checks(checks: Checks, chroot: list, root: Path, inside: Path, wheel: Path) -> None:
    """Installs the wheel in a venv inside the root and checks the installed command there."""
    result = run(chroot + ["/usr/bin/python3", "-m", "venv", f"{inside}/venv"])
    checks.check("debootstrap: python3 -m venv", result.returncode == 0, result.stdout + result.stderr)
    result = run(chroot + [f"{inside}/venv/bin/pip", "install", "-q", "--no-index", f"{inside}/{wheel.name}"])
    checks.check("debootstrap: pip installs the wheel, offline", result.returncode == 0, result.stdout + result.stderr)
    if result.returncode == 0:
        check_install(checks, "debootstrap", chroot, f"{inside}/venv", f"{inside}/home")


if __name__ == "__main__":
    sys.exit(main())
