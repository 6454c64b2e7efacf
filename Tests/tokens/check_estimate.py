#!/usr/bin/env python3
"""Hold rationale's offline token estimate to a real BPE tokenizer.

    TOKENIZER_JSON=<tokenizer.json> RATIONALE_BIN=<rationale> python3 Tests/tokens/check_estimate.py

The reference is the BPE tokenizer.json that the `anthropic` 0.34 wheel carries (read with the
`tokenizers` package, both from PyPI, no download at run time). The corpus: the oracle's dbt
project (SQL, YAML, Jinja macros, CSV seeds), a generated layered project, the templates and the
docs. The promise checked: on every file the estimate is at least 95 % of the real count
(never more than 5 % under), and over the corpus it is not under at all.
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench"))
MARGIN = 0.95


def main():
    try:
        from tokenizers import Tokenizer
    except ImportError:
        print("the `tokenizers` package is missing: run `make tokens`", file=sys.stderr)
        return 2
    tokenizer_json = os.environ.get("TOKENIZER_JSON")
    rationale = os.environ.get("RATIONALE_BIN")
    if not tokenizer_json or not os.path.exists(tokenizer_json) or not rationale:
        print("set TOKENIZER_JSON and RATIONALE_BIN (make tokens does)", file=sys.stderr)
        return 2
    tokenizer = Tokenizer.from_file(tokenizer_json)

    import generate_project
    with tempfile.TemporaryDirectory() as scratch:
        generated = generate_project.Generator(150, 11).build()
        for rel, text in list(generated.items())[:200]:
            path = os.path.join(scratch, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
        files = sorted(set(
            glob.glob(os.path.join(ROOT, "Tests/oracle/project/**/*.*"), recursive=True)
            + glob.glob(os.path.join(ROOT, "Templates/**/*.md"), recursive=True)
            + glob.glob(os.path.join(ROOT, "docs/*.md"))
            + [os.path.join(ROOT, "README.md")]
            + glob.glob(os.path.join(scratch, "**/*.*"), recursive=True)))
        texts = {}
        for f in files:
            with open(f, encoding="utf-8") as fh:
                text = fh.read()
            if text.strip():
                texts[f] = text
        out = subprocess.run([rationale, "tokens", "--format", "json", *texts], capture_output=True, text=True)
        if out.returncode != 0:
            print(out.stderr, file=sys.stderr)
            return 2
        estimates = {c["file"]: c["tokens"] for c in json.loads(out.stdout)}
        failures = []
        total_real = total_estimate = 0
        worst = (9.0, "")
        for f, text in texts.items():
            real = len(tokenizer.encode(text).ids)
            estimate = estimates[f]
            total_real += real
            total_estimate += estimate
            ratio = estimate / real if real else 1.0
            worst = min(worst, (ratio, os.path.relpath(f, scratch) if f.startswith(scratch) else os.path.relpath(f, ROOT)))
            if ratio < MARGIN:
                failures.append(f"{f}: estimate {estimate}, real {real} ({ratio:.2f})")
    aggregate = total_estimate / total_real
    print(f"# {len(texts)} files, {total_real} real tokens, {total_estimate} estimated: "
          f"{aggregate:.3f} of the real count overall; lowest {worst[0]:.3f} ({worst[1]})")
    if aggregate < 1.0:
        failures.append(f"the corpus as a whole is under-counted ({aggregate:.3f})")
    for failure in failures:
        print("FAIL", failure)
    if not failures:
        print(f"PASS the estimate never under-counts a file by more than {100 - MARGIN * 100:.0f} % and the corpus not at all")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
