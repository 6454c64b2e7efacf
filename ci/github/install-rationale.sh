#!/usr/bin/env bash
# Installs rationale for the composite action (action.yml): from a wheel file or URL checked
# against its SHA-256, from the package index, or built from the action's own source. Into
# $RUNNER_TEMP/rationale-venv, outside the checkout; only the `rationale` command goes on PATH
# (a link in $RUNNER_TEMP/rationale-bin), never the environment's python or pip. Idempotent: a
# second call in the same job only puts it on PATH again.
set -euo pipefail
venv="$RUNNER_TEMP/rationale-venv"
bin="$RUNNER_TEMP/rationale-bin"
fail() { echo "::error title=rationale install::$1"; exit 2; }

if [ ! -x "$venv/bin/rationale" ]; then
  python3 -m venv "$venv"
  pip=("$venv/bin/pip" install --isolated --no-deps --disable-pip-version-check -q)
  if [ -n "${WHEEL:-}" ] || [ -n "${WHEEL_URL:-}" ]; then
    [ -n "${WHEEL_SHA256:-}" ] || fail "wheel and wheel-url need wheel-sha256 (the release's SHA256SUMS)"
    [[ "$WHEEL_SHA256" =~ ^[0-9a-fA-F]{64}$ ]] || fail "wheel-sha256 must be 64 hex digits"
    if [ -n "${WHEEL:-}" ]; then
      file="$WHEEL"
      [ -f "$file" ] || fail "wheel: no file at $file"
    else
      name="${WHEEL_URL##*/}"
      [[ "$name" =~ ^rationale_dbt-[0-9A-Za-z._-]+\.whl$ ]] || fail "wheel-url must end in rationale_dbt-<version>-<tags>.whl"
      file="$RUNNER_TEMP/$name"
      curl --fail --silent --show-error --location --proto '=https' --proto-redir '=https' --tlsv1.2 \
        --max-filesize 300000000 --retry 3 --output "$file" "$WHEEL_URL" || fail "could not download $WHEEL_URL"
    fi
    echo "$WHEEL_SHA256  $file" | sha256sum --check --strict --quiet - || fail "$(basename "$file") does not have the SHA-256 wheel-sha256 gives"
    wheel_name="$(basename "$file")"
    [[ "$wheel_name" == rationale_dbt-*.whl ]] || fail "wheel must be a rationale_dbt-<version>-<tags>.whl file"
    "${pip[@]}" --no-index "$file"
  elif [ -n "${VERSION:-}" ]; then
    [[ "$VERSION" =~ ^[0-9][0-9A-Za-z.+-]*$ ]] || fail "version must be a version number, e.g. 0.1.0"
    "${pip[@]}" "rationale-dbt==$VERSION"
  else
    # No wheel given: build one from this action's source, with the Swift toolchain of the runner
    # image (ubuntu-24.04 carries one) and libgit2 from apt.
    command -v swift >/dev/null || fail "no wheel, wheel-url or version given, and no Swift toolchain on the runner to build one"
    sudo apt-get update -qq
    sudo apt-get install -y -qq libgit2-dev libcurl4-openssl-dev pkg-config
    make -C "$ACTION_PATH" wheel
    "${pip[@]}" --no-index "$ACTION_PATH"/dist/rationale_dbt-*.whl
  fi
fi
mkdir -p "$bin"
ln -sf "$venv/bin/rationale" "$bin/rationale"
echo "$RUNNER_TEMP/rationale-bin" >> "$GITHUB_PATH"
"$bin/rationale" --version
