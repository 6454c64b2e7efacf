#!/usr/bin/env bash
# Runs one rationale command for the composite action (action.yml). Every value comes from the
# environment (the action's inputs and the event's SHAs); none is ever evaluated as shell code.
set -euo pipefail
rationale="$RUNNER_TEMP/rationale-bin/rationale"
[ -x "$rationale" ] || { echo "::error title=rationale::not installed: run the action with command: install first"; exit 2; }
file="${FILE:-}"
[ -n "$file" ] || file="$RUNNER_TEMP/narrative.md"
args=()
case "${COMMAND:-}" in
  gate | narrate)
    args=("$COMMAND")
    [ -z "${BASE:-}" ] || args+=(--base "$BASE")
    [ -z "${HEAD:-}" ] || args+=(--head "$HEAD")
    # dbt's run results, when an earlier step wrote them (the gate refuses a file the pull
    # request commits: its author could write any result).
    if [ -n "${RUN_RESULTS:-}" ] && [ -f "$RUN_RESULTS" ]; then args+=(--run-results "$RUN_RESULTS"); fi
    # The data proof (`rationale prove`), when an earlier step wrote it.
    if [ -n "${PROOF:-}" ] && [ -f "$PROOF" ]; then args+=(--proof "$PROOF"); fi
    if [ "$COMMAND" = narrate ]; then args+=(--output "$file"); fi
    ;;
  publish)
    args=(publish --github --file "$file")
    case "${MODE:-comment}" in
      comment) ;;
      into-body) args+=(--into-body) ;;
      *) echo "::error title=rationale::mode must be comment or into-body"; exit 2 ;;
    esac
    ;;
  *)
    echo "::error title=rationale::command must be install, gate, narrate or publish"
    exit 2
    ;;
esac
status=0
"$rationale" "${args[@]}" || status=$?
if [ "$COMMAND" = narrate ] && [ -s "$file" ]; then echo "file=$file" >> "$GITHUB_OUTPUT"; fi
exit "$status"
