#!/usr/bin/env python3
"""CI template lint: the shipped CI files, checked by the tools their users' platforms trust.

    CHECK_JSONSCHEMA=<check-jsonschema> ZIZMOR=<zizmor> python3 Tests/ci/lint_ci.py [-v]

Checks, one line each (PASS/FAIL, with the tool's output on failure):

  github-schema   `check-jsonschema --builtin-schema vendor.github-workflows ci/github/rationale.yml`
  gitlab-schema   `check-jsonschema --builtin-schema vendor.gitlab-ci ci/gitlab/rationale.gitlab-ci.yml`
  action-schema   `check-jsonschema --builtin-schema vendor.github-actions action.yml` (the composite action)
  release-schema  `check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/release.yml`
  zizmor          `zizmor --offline --no-config --min-severity medium` on the template, action.yml and
                  this repository's release workflow:
                  no finding of medium severity or above (template injection, unpinned actions,
                  persisted credentials, excessive permissions, ...)

and the same three on copies with the optional `rationale prove` step uncommented (`… +prove`):
a team that turns it on gets files that still pass.

Both schemas are vendored inside check-jsonschema and `--offline` keeps zizmor to its offline
audits, so the checks need no network. `--no-config` keeps a zizmor.yml elsewhere from silencing
a finding. Exit 0 all passed, 1 a check failed, 2 a tool is missing or could not run.

Environment: $CHECK_JSONSCHEMA and $ZIZMOR (default: the names on PATH). Python 3.9+ standard
library only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE_ROOT = HERE.parent.parent
GITHUB_WORKFLOW = "ci/github/rationale.yml"
GITLAB_FILE = "ci/gitlab/rationale.gitlab-ci.yml"
ACTION = "action.yml"
RELEASE_WORKFLOW = ".github/workflows/release.yml"
TIMEOUT = 120  # seconds, per tool run


class ToolError(Exception):
    """A tool is missing or crashed: the lint could not run (exit 2)."""


def tool(env_name: str, default: str) -> str:
    value = os.environ.get(env_name, default)
    found = shutil.which(value)
    if not found:
        raise ToolError(f"{default} not found (set ${env_name} or run `make ci-lint`, which installs it)")
    return found


def run(argv: list[str]) -> subprocess.CompletedProcess:
    # No colour, no progress bars, no token: zizmor must not reach the network (it is told
    # --offline, and is given nothing to authenticate with either).
    env = {k: v for k, v in os.environ.items() if k not in ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN")}
    env.update({"NO_COLOR": "1", "ZIZMOR_OFFLINE": "1"})
    try:
        return subprocess.run(argv, cwd=PACKAGE_ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ToolError(f"{argv[0]}: {error}") from error


def uncommented(path: str, folder: Path) -> str:
    """A copy of the template with the optional `rationale prove` step (GitHub) or line (GitLab)
    uncommented, in `folder`."""
    lines = (PACKAGE_ROOT / path).read_text().split("\n")
    out, in_step = [], False
    for line in lines:
        if line == "      # - name: rationale prove":
            in_step = True
        if in_step and (line.startswith("      # - ") or line.startswith("      #   ")):
            out.append("      " + line[8:])
            continue
        in_step = False
        out.append(line.replace("    # - rationale prove", "    - rationale prove"))
    text = "\n".join(out)
    if text == "\n".join(lines):
        raise ToolError(f"{path} has no commented `rationale prove` step to uncomment")
    copy = folder / Path(path).name
    copy.write_text(text)
    return str(copy)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="print each tool's output")
    args = parser.parse_args()

    scratch = None
    try:
        check_jsonschema = tool("CHECK_JSONSCHEMA", "check-jsonschema")
        zizmor = tool("ZIZMOR", "zizmor")
        versions = [run([check_jsonschema, "--version"]).stdout.strip(), run([zizmor, "--version"]).stdout.strip()]
        print("tools: " + "; ".join(versions))
        for path in (GITHUB_WORKFLOW, GITLAB_FILE, ACTION, RELEASE_WORKFLOW):
            if not (PACKAGE_ROOT / path).is_file():
                raise ToolError(f"{path} is missing")

        scratch = Path(tempfile.mkdtemp(prefix="rationale-ci-lint-"))
        checks = []
        for suffix, github, gitlab in (("", GITHUB_WORKFLOW, GITLAB_FILE),
                                       (" +prove", uncommented(GITHUB_WORKFLOW, scratch), uncommented(GITLAB_FILE, scratch))):
            checks += [
                ("github-schema" + suffix, [check_jsonschema, "--builtin-schema", "vendor.github-workflows", github]),
                ("gitlab-schema" + suffix, [check_jsonschema, "--builtin-schema", "vendor.gitlab-ci", gitlab]),
                ("zizmor" + suffix, [zizmor, "--offline", "--no-config", "--no-progress", "--color", "never",
                                     "--min-severity", "medium", github]),
            ]
        checks += [
            ("action-schema", [check_jsonschema, "--builtin-schema", "vendor.github-actions", ACTION]),
            ("release-schema", [check_jsonschema, "--builtin-schema", "vendor.github-workflows", RELEASE_WORKFLOW]),
            ("zizmor action+release", [zizmor, "--offline", "--no-config", "--no-progress", "--color", "never",
                                       "--min-severity", "medium", ACTION, RELEASE_WORKFLOW]),
        ]
        failed = 0
        for name, argv in checks:
            result = run(argv)
            output = (result.stdout + result.stderr).strip()
            # zizmor exits 0 when nothing at or above --min-severity is left, 10-14 with findings
            # (by their highest severity), other codes when it could not audit.
            if name.startswith("zizmor") and result.returncode not in (0, 10, 11, 12, 13, 14):
                raise ToolError(f"zizmor could not audit (exit {result.returncode}):\n{output}")
            # check-jsonschema: 0 valid, 1 invalid; anything else (a schema it lacks) is a tool error.
            if not name.startswith("zizmor") and result.returncode not in (0, 1):
                raise ToolError(f"check-jsonschema could not run (exit {result.returncode}):\n{output}")
            ok = result.returncode == 0
            failed += not ok
            print(f"{'PASS' if ok else 'FAIL'} {name}: {' '.join([Path(argv[0]).name] + argv[1:])}")
            if not ok or args.verbose:
                print("    " + output.replace("\n", "\n    "))
    except ToolError as error:
        print(f"ci-lint could not run: {error}", file=sys.stderr)
        return 2
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)

    total = len(checks)
    print(f"{total - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
