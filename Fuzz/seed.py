#!/usr/bin/env python3
"""Collects seed inputs for the fuzz targets from the project's own fixtures.

    python3 Fuzz/seed.py OUT_DIR

writes OUT_DIR/<target>/<n> candidates: the oracle project's files, the templates, the docs, and
the string literals of the unit tests that feed each reader. `make fuzz-seed` then keeps only the
candidates that add coverage (libFuzzer's -merge=1) in Fuzz/corpus/<target>/. The cache target's
seeds are cache files written by rationale itself (see the Makefile's fuzz-seed-cache).
"""
import hashlib
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

# Which fixture files and which unit-test files seed which target.
FILES = {
    "template": ["Tests/oracle/project/**/*.sql", "Tests/oracle/project/**/*.py"],
    "yaml": ["Tests/oracle/project/**/*.yml", "ci/**/*.yml", ".pre-commit-hooks.yaml"],
    "manifest": [],
    "markdown": ["Templates/**/*.md", "docs/*.md", "README.md"],
    "gtd": [],
}
TEST_STRINGS = {
    "template": ["Tests/LineageTests/TemplateScannerTests.swift", "Tests/LineageTests/DbtParityTests.swift",
                 "Tests/LineageTests/ImpactEngineTests.swift", "Tests/LineageTests/HostileInputTests.swift"],
    "yaml": ["Tests/LineageTests/BlockYAMLReaderTests.swift", "Tests/LineageTests/ConfigExpressionTests.swift",
             "Tests/LineageTests/ProjectConfigTests.swift", "Tests/LineageTests/DbtParityTests.swift",
             "Tests/LineageTests/HostileInputTests.swift"],
    "manifest": ["Tests/LineageTests/ManifestReaderTests.swift", "Tests/RationaleCLITests/ManifestCommandTests.swift",
                 "Tests/RationaleCLITests/JSONTextTests.swift"],
    "markdown": ["Tests/SessionsTests/MarkdownTests.swift", "Tests/SessionsTests/LoopsTests.swift",
                 "Tests/SessionsTests/RuleExampleTests.swift", "Tests/SessionsTests/ContextDecisionsTests.swift"],
    "gtd": ["Tests/SessionsTests/GTDFormatTests.swift", "Tests/RationaleCLITests/GTDCommandTests.swift"],
}

# A whole file of each import format, as the unit tests write them.
GTD_SAMPLES = [
    '"Date: 2026-11-25+0000"\n"Version: 7.1"\n"Status: \n0 Normal\n1 Completed\n2 Archived"\n'
    '"Folder Name","List Name","Title","Kind","Tags","Content","Is Check list","Start Date","Due Date","Reminder",'
    '"Repeat","Priority","Status","Created Time","Completed Time","Order","Timezone","Is All Day","Is Floating",'
    '"Column Name","Column Order","View Mode","taskId","parentId"\n'
    '"rationale","shop","L-7 Does orders need a full refresh?","TEXT","dbt-loop, orders","Session: s\nModel: orders\n\n'
    'a note","N","","","","","5","2","2026-11-25T00:00:00+0000","","0","UTC","","false","","","list","",""\n',
    "x 2026-11-26 2026-11-25 L-7 Does orders need a full refresh? +shop @dbt-loop model:orders note:yes\n"
    "(A) 2026-11-25 L-8 Is void the status? +shop @dbt-loop\n",
    '[{"id": "L-7", "status": "closed", "text": "Full refresh?", "session": "s", "model": "orders", "note": "yes"},'
    ' {"id": "L-8", "status": "approved", "text": "Void?", "session": "s", "model": null, "note": ""}]\n',
]

# A small schema-v12 manifest shaped as the manifest reader's tests write them: a model with a
# parent, a seed, a source, a macro, an exposure and a unit test.
MANIFEST_SAMPLE = """{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json",
  "dbt_version": "1.11.16", "project_name": "shop", "adapter_type": "duckdb", "env": {}, "quoting": {"database": true}},
 "nodes": {
  "model.shop.orders": {"database": "db", "schema": "main", "name": "orders", "resource_type": "model",
   "package_name": "shop", "path": "marts/orders.sql", "original_file_path": "models/marts/orders.sql",
   "unique_id": "model.shop.orders", "fqn": ["shop", "marts", "orders"], "alias": "orders",
   "checksum": {"name": "sha256", "checksum": "abc"},
   "config": {"enabled": true, "materialized": "table", "persist_docs": {}, "contract": {"enforced": true, "alias_types": true},
              "access": "public", "tags": ["a"], "meta": {"owner": "x"}, "docs": {"show": true, "node_color": null}},
   "tags": [], "description": "One row per order \\u00e9", "columns": {"id": {"name": "id", "description": "key",
   "data_type": "int", "constraints": [{"type": "not_null"}], "meta": {}, "tags": []}}, "meta": {},
   "patch_path": "shop://models/marts/_marts.yml", "unrendered_config": {"materialized": "table"}, "created_at": 1.5e9,
   "raw_code": "select * from {{ ref('stg_orders') }} -- \\"q\\"\\n", "depends_on": {"macros": ["macro.shop.money"],
   "nodes": ["seed.shop.raw_orders", "source.shop.raw.orders"]}, "compiled_path": null,
   "contract": {"enforced": true, "alias_types": true, "checksum": null}, "access": "public", "version": 2,
   "latest_version": 2, "deprecation_date": null},
  "seed.shop.raw_orders": {"name": "raw_orders", "resource_type": "seed", "package_name": "shop",
   "path": "raw_orders.csv", "original_file_path": "seeds/raw_orders.csv", "unique_id": "seed.shop.raw_orders",
   "fqn": ["shop", "raw_orders"], "checksum": {"name": "sha256", "checksum": "def"}, "config": {"enabled": true},
   "columns": {}, "depends_on": {"macros": [], "nodes": []}}},
 "sources": {"source.shop.raw.orders": {"name": "orders", "source_name": "raw", "resource_type": "source",
   "package_name": "shop", "path": "models/_sources.yml", "original_file_path": "models/_sources.yml",
   "unique_id": "source.shop.raw.orders", "fqn": ["shop", "raw", "orders"], "columns": {},
   "freshness": {"warn_after": {"count": 12, "period": "hour"}, "error_after": {"count": null, "period": null}},
   "loaded_at_field": "_loaded_at", "config": {"enabled": true}}},
 "macros": {"macro.shop.money": {"name": "money", "resource_type": "macro", "package_name": "shop",
   "path": "macros/money.sql", "original_file_path": "macros/money.sql", "unique_id": "macro.shop.money",
   "macro_sql": "{% macro money(c) %}{{ c }} / 100{% endmacro %}", "depends_on": {"macros": []},
   "description": "", "meta": {}, "docs": {"show": true, "node_color": null}, "patch_path": null,
   "arguments": [], "created_at": 1.0, "supported_languages": null}},
 "docs": {"doc.dbt.__overview__": {"name": "__overview__", "block_contents": "a \\"quoted\\" {brace} [x]"}},
 "exposures": {"exposure.shop.board": {"name": "board", "resource_type": "exposure", "package_name": "shop",
   "path": "_exposures.yml", "original_file_path": "models/_exposures.yml", "unique_id": "exposure.shop.board",
   "fqn": ["shop", "board"], "type": "dashboard", "owner": {"name": "x"}, "depends_on": {"macros": [],
   "nodes": ["model.shop.orders"]}, "config": {"enabled": true}}},
 "metrics": {}, "groups": {}, "selectors": {}, "disabled": {"model.shop.off": [{"name": "off"}]},
 "parent_map": {"model.shop.orders": ["seed.shop.raw_orders"]}, "child_map": {}, "group_map": {},
 "saved_queries": {}, "semantic_models": {},
 "unit_tests": {"unit_test.shop.orders.t": {"name": "t", "model": "orders", "resource_type": "unit_test",
   "package_name": "shop", "path": "marts/_marts.yml", "original_file_path": "models/marts/_marts.yml",
   "unique_id": "unit_test.shop.orders.t", "fqn": ["shop", "marts", "orders", "t"],
   "depends_on": {"macros": [], "nodes": ["model.shop.orders"]}, "given": [], "expect": {"rows": []}}}}
"""


def swift_strings(source):
    """The string literals of a Swift file, unescaped roughly (interpolations kept as written)."""
    out = []
    for m in re.finditer(r'(#*)"""\n(.*?)\n([ \t]*)"""\1', source, re.S):
        indent = m.group(3)
        lines = [line[len(indent):] if line.startswith(indent) else line for line in m.group(2).split("\n")]
        out.append(unescape("\n".join(lines), raw=bool(m.group(1))))
    single = re.sub(r'(#*)""".*?"""\1', "", source, flags=re.S)
    for m in re.finditer(r'(#*)"((?:[^"\\\n]|\\.)*)"\1', single):
        out.append(unescape(m.group(2), raw=bool(m.group(1))))
    return [s for s in out if len(s) >= 4]


def unescape(text, raw):
    if raw:
        return text
    table = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "'": "'", "\\": "\\", "0": "\0"}

    def one(m):
        if m.group(1):
            return chr(int(m.group(1), 16))
        return table.get(m.group(2), m.group(0))

    return re.sub(r"\\u\{([0-9a-fA-F]+)\}|\\(.)", one, text)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: seed.py OUT_DIR")
    out = pathlib.Path(sys.argv[1])
    for target in sorted(set(FILES) | set(TEST_STRINGS)):
        inputs = []
        for pattern in FILES.get(target, []):
            inputs += [p.read_bytes() for p in sorted(ROOT.glob(pattern)) if p.is_file()]
        for name in TEST_STRINGS.get(target, []):
            inputs += [s.encode("utf-8", "surrogatepass") for s in swift_strings((ROOT / name).read_text())]
        if target == "gtd":
            inputs += [s.encode() for s in GTD_SAMPLES]
        if target == "manifest":
            inputs.append(MANIFEST_SAMPLE.encode())
        folder = out / target
        folder.mkdir(parents=True, exist_ok=True)
        for data in inputs:
            (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)
        print(f"{target}: {len({hashlib.sha1(d).hexdigest() for d in inputs})} candidates")


if __name__ == "__main__":
    main()
