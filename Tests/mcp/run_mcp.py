#!/usr/bin/env python3
"""End-to-end test of `rationale mcp` with the official MCP Python client (`mcp` on PyPI).

    RATIONALE_BIN=.build/release/rationale .build/mcp-venv/bin/python Tests/mcp/run_mcp.py [-v]

Run by `make mcp-e2e` (part of `make test`), which builds the release binaries and installs
`mcp==1.*` into .build/mcp-venv. In a temporary git repository holding a small dbt project and a
session the author started with the command line, the script

  1. starts `rationale mcp` through the client's stdio transport (so `rationale` execs
     `rationale-net` beside it), initializes, lists the tools (no approve, close or start tool);
  2. calls impact, context, session_status, loops_propose/loops_list, attempts_add/attempts_list,
     context_decide and handoff, and checks each answer; reads the session's resources and the
     start and resume prompts;
  3. sends malformed requests: an unknown tool, arguments of the wrong type, an unknown argument,
     paths outside the repository; each gets an error and the server keeps answering;
  4. checks the repository's files: nothing changed outside the session folder (in .git, only
     rationale's parse cache);
  5. speaks raw JSON-RPC to the server: a line that is not JSON gets a parse error, the server
     still initializes after it, and exits 0 when its input closes;
  6. `rationale mcp` without `rationale-net` beside it, and `rationale mcp` outside a repository,
     exit 2 with a message.

One line per check (PASS/FAIL); the last line counts them. Exit 0 all passed, 1 a check failed,
2 the test could not run. Git runs hermetically; no network.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import subprocess
import time
import sys
import tempfile
from pathlib import Path

try:
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client
    from mcp.shared.exceptions import McpError
except ImportError:  # pragma: no cover - the Makefile installs it
    print("the `mcp` package is missing: run `make mcp-venv` and use its python", file=sys.stderr)
    sys.exit(2)

VERBOSE = "-v" in sys.argv
PROBLEM = "fct_orders double counts refunded orders; the revenue dashboard shows it, and the totals will match the ledger when fixed."
FILES = {
    "dbt_project.yml": "name: shop\nversion: '1.0'\nprofile: shop\nmodel-paths: ['models']\n",
    "models/staging/stg_orders.sql": "select id as order_id, customer_id, amount from {{ source('raw', 'orders') }}\n",
    "models/staging/_sources.yml": "version: 2\nsources:\n  - name: raw\n    tables:\n      - name: orders\n",
    "models/marts/fct_orders.sql": "select order_id, sum(amount) as revenue from {{ ref('stg_orders') }} group by 1\n",
    "models/marts/dim_customers.sql": "select customer_id, count(*) as orders from {{ ref('stg_orders') }} group by 1\n",
}


class Checks:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        if ok:
            self.passed += 1
            print(f"PASS {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}" + (f"\n     {detail[-1500:]}" if detail else ""))
        return ok


def hermetic_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        HOME=str(home), GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=str(home / "gitconfig"),
        GIT_AUTHOR_NAME="MCP Tester", GIT_AUTHOR_EMAIL="mcp@example.com", GIT_COMMITTER_NAME="MCP Tester",
        GIT_COMMITTER_EMAIL="mcp@example.com", GIT_AUTHOR_DATE="2024-01-02T03:04:05+00:00",
        GIT_COMMITTER_DATE="2024-01-02T03:04:05+00:00",
    )
    (home / "gitconfig").write_text("[user]\n\tname = MCP Tester\n\temail = mcp@example.com\n[commit]\n\tgpgsign = false\n[init]\n\tdefaultBranch = main\n")
    return env


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def tree(root: Path) -> dict[str, str]:
    """Every file under root (links as their targets), with a hash of its bytes."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            found[str(path.relative_to(root))] = "link:" + os.readlink(path)
        elif path.is_file():
            found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def text_of(result) -> str:
    return "\n".join(getattr(item, "text", "") for item in result.content)


async def drive(binary: str, repo: Path, env: dict[str, str], session: str, checks: Checks) -> None:
    params = StdioServerParameters(command=binary, args=["mcp"], cwd=str(repo), env=env)
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as client:
            init = await client.initialize()
            checks.check("initialize names the server", init.serverInfo.name == "rationale", repr(init.serverInfo))

            tools = {tool.name: tool for tool in (await client.list_tools()).tools}
            expected = {"impact", "context", "session_status", "loops_list", "loops_propose", "attempts_add", "attempts_list", "context_decide", "handoff"}
            checks.check("tools/list offers the tools", set(tools) == expected, ", ".join(sorted(tools)))
            checks.check(
                "no tool approves, closes or starts anything",
                not any(word in name for name in tools for word in ("approve", "close", "start", "choose")),
            )
            checks.check("each tool has an object schema", all(t.inputSchema.get("type") == "object" for t in tools.values()))

            async def call(name: str, arguments: dict | None = None):
                result = await client.call_tool(name, arguments or {})
                if VERBOSE:
                    print(f"--- {name} {arguments}\n{text_of(result)[:800]}")
                return result

            impact = await call("impact", {"staged": True})
            body = text_of(impact)
            nodes = {(n["name"], n["role"]) for p in (impact.structuredContent or {}).get("projects", []) for n in p["nodes"]}
            checks.check(
                "impact: stg_orders modified, fct_orders and dim_customers downstream",
                not impact.isError and {("stg_orders", "modified"), ("fct_orders", "downstream"), ("dim_customers", "downstream")} <= nodes,
                body,
            )
            depth = await call("impact", {"staged": True, "downstream": 0})
            checks.check("impact with downstream 0: nothing downstream", not depth.isError and "downstream (" not in text_of(depth), text_of(depth))

            context = await call("context", {"staged": True, "budget": 2000})
            checks.check(
                "context: a pack within the budget holding the diff",
                not context.isError and "stg_orders" in text_of(context) and (context.structuredContent or {}).get("tokens", 99999) <= 2000,
                text_of(context),
            )

            status = await call("session_status")
            checks.check("session_status names the session", not status.isError and text_of(status).startswith(f"session {session}/"), text_of(status))

            proposed = await call(
                "loops_propose",
                {"text": "Must revenue exclude refunds?", "model": "fct_orders", "options": ["A: exclude, as finance does", "B: keep, net later"]},
            )
            checks.check(
                "loops_propose: a proposed loop the user approves with the command line",
                not proposed.isError and "(proposed)" in text_of(proposed) and "rationale loops approve L-1" in text_of(proposed),
                text_of(proposed),
            )
            loops = await call("loops_list")
            listed = (loops.structuredContent or {}).get("loops", [])
            checks.check("loops_list shows it, still proposed", [(l["id"], l["status"]) for l in listed] == [("L-1", "proposed")], text_of(loops))

            added = await call("attempts_add", {"text": "dedupe with distinct in fct_orders", "result": "failed", "why": "1,204 rows vs 1,187", "by": "agent"})
            checks.check("attempts_add logs a failed attempt", not added.isError and "A-1 (failed)" in text_of(added), text_of(added))
            attempts = await call("attempts_list")
            checks.check("attempts_list shows it", [a["id"] for a in (attempts.structuredContent or {}).get("attempts", [])] == ["A-1"], text_of(attempts))

            decided = await call("context_decide", {"verdict": "loaded", "names": ["stg_orders"], "reason": "the change itself"})
            checks.check("context_decide records the decision with its reason", not decided.isError and "loaded: stg_orders — the change itself" in text_of(decided), text_of(decided))

            handoff = await call("handoff")
            checks.check(
                "handoff previews BOOTLOADER.md and writes nothing",
                not handoff.isError and (handoff.structuredContent or {}).get("written") is False and "A-1" in text_of(handoff),
                text_of(handoff),
            )

            resources = {str(r.uri) for r in (await client.list_resources()).resources}
            checks.check(
                "resources: the session's SUMMARY, LOOPS and CONTEXT",
                {"rationale://session/SUMMARY.md", "rationale://session/LOOPS.md", "rationale://session/CONTEXT.md"} <= resources,
                ", ".join(sorted(resources)),
            )
            summary = await client.read_resource("rationale://session/SUMMARY.md")
            checks.check("SUMMARY.md holds the author's problem", "double counts refunded orders" in summary.contents[0].text)
            try:
                await client.read_resource("rationale://session/../../.git/config")
                checks.check("an unknown resource is refused", False)
            except McpError as error:
                checks.check("an unknown resource is refused", "no resource" in str(error), str(error))

            prompts = {p.name for p in (await client.list_prompts()).prompts}
            checks.check("prompts: start and resume", prompts == {"start", "resume"}, ", ".join(sorted(prompts)))
            start = await client.get_prompt("start", {"title": "refunds"})
            start_text = start.messages[0].content.text
            checks.check(
                "the start prompt asks the author to run session start with --problem",
                'rationale session start "refunds" --problem' in start_text and "already open" in start_text,
                start_text,
            )
            resume = await client.get_prompt("resume", {})
            resume_text = resume.messages[0].content.text
            checks.check("the resume prompt shows the active session and its open loop", session in resume_text and "L-1" in resume_text, resume_text)

            # Malformed requests: each an error, and the server answers the next request.
            try:
                unknown = await call("loops_approve", {"id": "L-1"})
                checks.check("an unknown tool is an error", bool(unknown.isError), text_of(unknown))
            except McpError as error:
                checks.check("an unknown tool is an error", "no tool `loops_approve`" in str(error), str(error))
            wrong = await call("impact", {"downstream": "three"})
            checks.check("a wrong argument type is a tool error", bool(wrong.isError) and "`downstream` must be an integer" in text_of(wrong), text_of(wrong))
            extra = await call("impact", {"depth": 2})
            checks.check("an unknown argument is a tool error", bool(extra.isError) and "no argument `depth`" in text_of(extra), text_of(extra))
            both = await call("impact", {"staged": True, "worktree": True})
            checks.check("the command line's check, its message", bool(both.isError) and text_of(both) == "choose one of --staged, --worktree, --base REV", text_of(both))
            for name, arguments in [
                ("context", {"select": ["../outside/model.sql"]}),
                ("context", {"expand": ["/etc/passwd"]}),
                ("context_decide", {"verdict": "excluded", "names": ["../../etc/passwd"], "reason": "r"}),
                ("impact", {"project": "../elsewhere"}),
            ]:
                outside = await call(name, arguments)
                checks.check(
                    f"{name} refuses a path outside the repository ({json.dumps(arguments)})",
                    bool(outside.isError) and "not a path inside the repository" in text_of(outside),
                    text_of(outside),
                )
            foreign = await call("loops_list", {"session": "../../../tmp"})
            checks.check("a session outside the sessions folder is refused", bool(foreign.isError) and "no session" in text_of(foreign), text_of(foreign))
            missing = await call("attempts_add", {"text": "x"})
            checks.check("a missing required argument is a tool error", bool(missing.isError) and "`result` is required" in text_of(missing), text_of(missing))
            after = await call("loops_list")
            checks.check("the server still answers after the errors", not after.isError, text_of(after))


def raw_protocol(binary: str, repo: Path, env: dict[str, str], checks: Checks) -> None:
    process = subprocess.Popen(
        [binary, "mcp"], cwd=repo, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdin and process.stdout

    def send(line: str) -> dict:
        process.stdin.write(line + "\n")
        process.stdin.flush()
        return json.loads(process.stdout.readline())

    bad = send("this is { not json")
    checks.check("a line that is not JSON gets a parse error", bad.get("error", {}).get("code") == -32700, json.dumps(bad))
    init = {
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}},
    }
    answer = send(json.dumps(init))
    checks.check("the server initializes after it", answer.get("id") == 1 and "result" in answer, json.dumps(answer))
    typed = send(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": 5, "arguments": []}}))
    checks.check("tools/call with params of the wrong types is an error", "error" in typed or typed.get("result", {}).get("isError"), json.dumps(typed))
    alive = send(json.dumps({"jsonrpc": "2.0", "id": 3, "method": "tools/list"}))
    checks.check("and the server answers the next request", alive.get("id") == 3 and "result" in alive, json.dumps(alive)[:300])
    # A 50 MB request (a loop's text): dropped as it streams in, answered with an error, in seconds.
    started = time.monotonic()
    huge = json.dumps({"jsonrpc": "2.0", "id": 4, "method": "tools/call",
                       "params": {"name": "loops_propose", "arguments": {"text": "a" * 50_000_000}}})
    refused = send(huge)
    checks.check("a 50 MB request is refused with an error naming the limit, in under 30 s",
                 refused.get("error", {}).get("code") == -32600 and "the limit is" in refused["error"].get("message", "")
                 and time.monotonic() - started < 30, json.dumps(refused)[:300])
    after = send(json.dumps({"jsonrpc": "2.0", "id": 5, "method": "tools/list"}))
    checks.check("and the server still answers", after.get("id") == 5 and "result" in after, json.dumps(after)[:300])
    process.stdin.close()
    code = process.wait(timeout=30)
    checks.check("it exits 0 when its input closes (no crash)", code == 0, f"exit {code}: {process.stderr.read()[-800:]}")


def main() -> int:
    binary = os.environ.get("RATIONALE_BIN")
    if not binary or not Path(binary).is_file():
        print("set RATIONALE_BIN to the built `rationale` (rationale-net beside it)", file=sys.stderr)
        return 2
    binary = str(Path(binary).resolve())
    checks = Checks()
    scratch = Path(tempfile.mkdtemp(prefix="rationale-mcp-"))
    try:
        env = hermetic_env(scratch)
        repo = scratch / "repo"
        for path, text in FILES.items():
            (repo / path).parent.mkdir(parents=True, exist_ok=True)
            (repo / path).write_text(text)
        for args in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "shop"]):
            if run(args, repo, env).returncode != 0:
                print(f"could not run {' '.join(args)}", file=sys.stderr)
                return 2
        started = run([binary, "session", "start", "refunds", "--problem", PROBLEM], repo, env)
        if started.returncode != 0:
            print(f"session start failed: {started.stderr}", file=sys.stderr)
            return 2
        session = started.stdout.split()[1].rstrip("/")
        with open(repo / "models/staging/stg_orders.sql", "a") as file:
            file.write("where amount > 0\n")
        run(["git", "add", "-A"], repo, env)

        before = tree(repo)
        asyncio.run(drive(binary, repo, env, session, checks))
        raw_protocol(binary, repo, env, checks)
        after = tree(repo)
        changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
        outside = [p for p in changed if not p.startswith(session + "/") and not p.startswith(".git/rationale/")]
        checks.check("nothing written outside the session folder (and .git/rationale)", not outside, "changed: " + ", ".join(outside))
        checks.check(
            "the session's files were written",
            {f"{session}/LOOPS.md", f"{session}/ATTEMPTS.md", f"{session}/CONTEXT.md"} <= set(changed),
            ", ".join(changed),
        )

        alone = scratch / "alone"
        alone.mkdir()
        shutil.copy2(binary, alone / "rationale")
        lonely = run([str(alone / "rationale"), "mcp"], repo, env)
        checks.check(
            "rationale mcp without rationale-net beside it: exit 2, says so",
            lonely.returncode == 2 and "this command needs rationale-net, which is not installed beside rationale" in lonely.stderr,
            f"exit {lonely.returncode}: {lonely.stderr}",
        )
        nowhere = run([binary, "mcp"], scratch, env)
        checks.check("rationale mcp outside a repository: exit 2, says so", nowhere.returncode == 2 and "rationale mcp: error:" in nowhere.stderr, nowhere.stderr)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 0 if checks.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
