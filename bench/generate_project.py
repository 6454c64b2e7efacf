#!/usr/bin/env python3
"""Generate a realistic, layered dbt project (`bench_proj`) for benchmarking.

    generate_project.py OUT_DIR --models N [--seed S]

Python standard library only. The output is deterministic for a given
(N, seed): the same files with the same bytes.

Layout (N models, split ~40/35/25 % staging/intermediate/marts):

    dbt_project.yml            folder configs, vars, flags
    profiles.yml               duckdb target (file in the project dir)
    .gitignore                 target/, logs/, *.duckdb
    macros/*.sql               a handful of macros, some calling others
    seeds/*.csv, seeds/_seeds.yml
    tests/assert_*.sql         two singular tests
    models/docs.md             doc blocks used by some descriptions
    models/exposures.yml       a few exposures on marts
    models/staging/<domain>/        stg_* (one per source table, `source()`),
                                    _<domain>__sources.yml (with freshness),
                                    _<domain>__models.yml
    models/intermediate/<domain>/   int_* (2-3 refs to staging / lower intermediate)
    models/marts/<domain>/          fct_* / dim_* (3-5 refs)

Domain folders: clamp(sqrt(N)/3, 10, 50), so no folder holds more than a few
hundred files even at 20,000 models.
"""

import argparse
import math
import os
import random
import sys

DOMAINS = [
    "sales", "finance", "marketing", "product", "support", "billing", "inventory",
    "logistics", "hr", "payroll", "growth", "risk", "fraud", "compliance",
    "procurement", "supply", "web", "mobile", "ads", "crm", "partners", "legal",
    "security", "ops", "engineering", "platform", "success", "retail", "wholesale",
    "pricing", "loyalty", "subscriptions", "content", "search", "recs", "identity",
    "payments", "treasury", "tax", "audit", "facilities", "research", "experiments",
    "notifications", "messaging", "onboarding", "reviews", "catalog", "shipping",
    "returns",
]

SYSTEMS = [
    "erp", "crm", "stripe", "shopify", "hubspot", "salesforce", "zendesk", "segment",
    "netsuite", "workday", "postgres", "mysql", "kafka", "snowplow", "braze",
    "intercom", "jira", "github", "sap", "oracle",
]

ENTITIES = [
    "customers", "orders", "order_items", "payments", "products", "invoices",
    "shipments", "sessions", "events", "accounts", "subscriptions", "refunds",
    "tickets", "campaigns", "leads", "contacts", "opportunities", "employees",
    "vendors", "stores", "carts", "coupons", "plans", "transactions", "users",
    "addresses", "devices", "pageviews", "clicks", "messages",
]

MONEY_ENTITIES = {
    "orders", "order_items", "payments", "invoices", "refunds", "transactions",
    "opportunities", "carts", "subscriptions", "plans",
}

ATTRIBUTES = [
    ("name", "varchar", "Display name"),
    ("email", "varchar", "Contact e-mail address"),
    ("country_code", "varchar", "ISO 3166-1 alpha-2 country code"),
    ("currency", "varchar", "ISO 4217 currency code"),
    ("channel", "varchar", "Acquisition or sales channel"),
    ("quantity", "integer", "Number of units"),
    ("is_deleted", "boolean", "Soft-delete flag from the source system"),
    ("source_system", "varchar", "Name of the upstream system"),
    ("region", "varchar", "Sales region"),
    ("priority", "integer", "Priority, 1 is highest"),
    ("external_ref", "varchar", "Identifier in the external system"),
    ("score", "double", "Model score between 0 and 1"),
]

INT_SUFFIXES = [
    "enriched", "joined", "aggregated", "deduped", "pivoted", "unioned",
    "filtered", "daily", "monthly", "scored", "windowed", "mapped",
]

MART_NOUNS = [
    "revenue", "activity", "performance", "summary", "overview", "funnel",
    "retention", "cohorts", "health", "usage", "pipeline", "balances", "kpis",
    "attribution", "lifetime_value", "conversion",
]

STATUSES = ["active", "pending", "cancelled", "completed", "failed"]


def yq(s):
    """Quote a string for YAML (double quotes, escaped)."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Model:
    __slots__ = ("name", "layer", "domain", "index", "refs", "source", "columns",
                 "pk", "entity", "uses", "extra_tests", "seed_refs", "config")

    def __init__(self, name, layer, domain, index):
        self.name = name
        self.layer = layer
        self.domain = domain
        self.index = index          # global creation order
        self.refs = []              # list[Model]
        self.source = None          # (source_name, table_name) for staging
        self.columns = []           # list[(name, type, description)]
        self.pk = None
        self.entity = None
        self.uses = set()           # macro / feature flags
        self.extra_tests = []       # YAML snippets for extra generic tests
        self.seed_refs = []
        self.config = None          # in-file config() kwargs string


class Generator:
    def __init__(self, n_models, seed):
        if n_models < 10:
            raise SystemExit("--models must be at least 10")
        self.n = n_models
        self.rng = random.Random(seed)
        n_dom = max(10, min(50, int(math.sqrt(n_models) / 3)))
        self.domains = DOMAINS[:n_dom]
        self.n_stg = round(n_models * 0.40)
        self.n_int = round(n_models * 0.35)
        self.n_mart = n_models - self.n_stg - self.n_int
        self.files = {}             # relpath -> text
        self.models = []
        self.by_domain = {d: {"staging": [], "intermediate": [], "marts": []}
                          for d in self.domains}
        self.sources = {d: [] for d in self.domains}  # domain -> [(src, [tables...])]
        self.names = set()

    # ---------------------------------------------------------------- helpers
    def unique(self, base):
        name = base
        k = 2
        while name in self.names:
            name = f"{base}_{k}"
            k += 1
        self.names.add(name)
        return name

    def spread(self, total):
        """Split `total` items over the domains, uneven but every domain >= 1."""
        weights = [self.rng.uniform(0.6, 1.4) for _ in self.domains]
        s = sum(weights)
        counts = [max(1, int(total * w / s)) for w in weights]
        i = 0
        while sum(counts) < total:
            counts[i % len(counts)] += 1
            i += 1
        while sum(counts) > total:
            j = max(range(len(counts)), key=lambda x: counts[x])
            counts[j] -= 1
        return dict(zip(self.domains, counts))

    # ---------------------------------------------------------------- build
    def build(self):
        rng = self.rng
        idx = 0
        # Staging: one per source table; sources of 2-6 tables per domain.
        for domain, count in self.spread(self.n_stg).items():
            remaining = count
            k = 0
            while remaining > 0:
                size = min(remaining, rng.randint(2, 6))
                sys_name = SYSTEMS[k % len(SYSTEMS)]
                if k >= len(SYSTEMS):
                    sys_name += str(k // len(SYSTEMS) + 1)
                src = f"{domain}_{sys_name}"
                tables = rng.sample(ENTITIES, size)
                self.sources[domain].append((src, tables))
                for t in tables:
                    m = Model(self.unique(f"stg_{src}__{t}"), "staging", domain, idx)
                    idx += 1
                    m.source = (src, t)
                    m.entity = t
                    m.pk = f"{t[:-1] if t.endswith('s') else t}_id"
                    cols = [(m.pk, "varchar", "Primary key"),
                            ("status", "varchar", "Lifecycle status"),
                            ("created_at", "timestamp", "Creation time (UTC)"),
                            ("updated_at", "timestamp", "Last update time (UTC)")]
                    if t in MONEY_ENTITIES:
                        cols.append(("amount", "numeric", "Amount in major currency units"))
                        m.uses.add("cents")
                    for a in rng.sample(ATTRIBUTES, rng.randint(1, 4)):
                        cols.append(a)
                    m.columns = cols
                    if rng.random() < 0.15:
                        m.uses.add("start_date")
                    if rng.random() < 0.10:
                        m.uses.add("limit_dev")
                    if rng.random() < 0.25:
                        m.extra_tests.append(("status", "accepted_values"))
                    self.models.append(m)
                    self.by_domain[domain]["staging"].append(m)
                remaining -= size
                k += 1

        all_stg = [m for m in self.models if m.layer == "staging"]

        # Intermediate: 2-3 refs to staging / lower-index intermediate, mostly
        # within the domain.
        for domain, count in self.spread(self.n_int).items():
            for _ in range(count):
                d = self.by_domain[domain]
                pool = d["staging"] + d["intermediate"]
                k = rng.randint(2, 3)
                refs = []
                for _r in range(k):
                    if rng.random() < 0.12 or len(pool) < k:
                        cand = rng.choice(all_stg)
                    else:
                        # favour recent intermediate models a bit to get depth
                        if d["intermediate"] and rng.random() < 0.45:
                            cand = rng.choice(d["intermediate"][-8:])
                        else:
                            cand = rng.choice(pool)
                    if cand not in refs:
                        refs.append(cand)
                if len(refs) < 2:
                    for cand in rng.sample(all_stg, 3):
                        if cand not in refs:
                            refs.append(cand)
                            break
                base = refs[0].entity or "entity"
                m = Model(self.unique(f"int_{domain}__{base}_{rng.choice(INT_SUFFIXES)}"),
                          "intermediate", domain, idx)
                idx += 1
                m.entity = base
                m.refs = refs
                m.pk = f"{m.name}_id"
                m.columns = [(m.pk, "varchar", "Surrogate key"),
                             ("created_at", "timestamp", "Earliest creation time of the joined rows"),
                             ("row_count", "bigint", "Number of rows in the window")]
                m.uses.add("surrogate_key")
                if rng.random() < 0.2:
                    m.uses.add("safe_divide")
                    m.columns.append(("ratio", "double", "Share of the total"))
                if rng.random() < 0.3:
                    m.uses.add("start_date")
                if rng.random() < 0.1:
                    m.config = "materialized='view'"
                m.columns.append((refs[0].pk, "varchar", f"Key of {refs[0].name}"))
                if rng.random() < 0.15:
                    m.extra_tests.append((refs[0].pk, "relationships"))
                if rng.random() < 0.10:
                    m.extra_tests.append(("created_at", "not_null_where"))
                self.models.append(m)
                d["intermediate"].append(m)

        all_int = [m for m in self.models if m.layer == "intermediate"]

        # Marts: 3-5 refs, mostly intermediate of the domain.
        for domain, count in self.spread(self.n_mart).items():
            for _ in range(count):
                d = self.by_domain[domain]
                k = rng.randint(3, 5)
                refs = []
                tries = 0
                while len(refs) < k and tries < 50:
                    tries += 1
                    r = rng.random()
                    if r < 0.65 and d["intermediate"]:
                        cand = rng.choice(d["intermediate"])
                    elif r < 0.85:
                        cand = rng.choice(d["staging"])
                    elif r < 0.95:
                        cand = rng.choice(all_int)
                    else:
                        cand = rng.choice(all_stg)
                    if cand not in refs:
                        refs.append(cand)
                kind = "fct" if rng.random() < 0.6 else "dim"
                m = Model(self.unique(f"{kind}_{domain}__{rng.choice(MART_NOUNS)}"),
                          "marts", domain, idx)
                idx += 1
                m.refs = refs
                m.entity = refs[0].entity
                m.pk = f"{m.name}_key"
                m.columns = [(m.pk, "varchar", "Surrogate key of the mart row"),
                             ("created_at", "timestamp", "First seen"),
                             ("total_amount", "numeric", "Sum of amounts in USD"),
                             ("row_count", "bigint", "Number of contributing rows")]
                m.uses.add("surrogate_key")
                if rng.random() < 0.2:
                    m.seed_refs.append(rng.choice(["country_codes", "currency_rates",
                                                   "status_mapping"]))
                if rng.random() < 0.25:
                    m.uses.add("safe_divide")
                    m.columns.append(("share_of_total", "double", "Share of the total amount"))
                if rng.random() < 0.2:
                    m.config = ("materialized='incremental', unique_key='" + m.pk
                                + "', on_schema_change='append_new_columns'")
                    m.uses.add("incremental")
                self.models.append(m)
                d["marts"].append(m)

        self.emit()
        return self.files

    # ---------------------------------------------------------------- SQL
    def sql_staging(self, m):
        src, table = m.source
        lines = []
        if m.config:
            lines.append(f"{{{{ config({m.config}) }}}}\n")
        lines.append("with source as (\n")
        lines.append(f"    select * from {{{{ source('{src}', '{table}') }}}}\n")
        lines.append("),\n\nrenamed as (\n    select\n")
        cols = []
        for name, typ, _desc in m.columns:
            if name == m.pk:
                cols.append(f"cast(id as varchar) as {name}")
            elif name == "amount":
                cols.append("{{ cents_to_dollars('amount_cents') }} as amount")
            elif name == "status":
                cols.append("lower(trim(status)) as status")
            elif typ == "timestamp":
                cols.append(f"cast({name} as timestamp) as {name}")
            else:
                cols.append(f"cast({name} as {typ}) as {name}")
        lines.append(",\n".join("        " + c for c in cols) + "\n")
        lines.append("    from source\n")
        if "start_date" in m.uses:
            lines.append("    where created_at >= {{ start_date() }}\n")
        lines.append(")\n\nselect * from renamed\n")
        if "limit_dev" in m.uses:
            lines.append("{{ limit_in_dev(1000) }}\n")
        return "".join(lines)

    def sql_joined(self, m):
        out = []
        if m.config:
            out.append(f"{{{{ config({m.config}) }}}}\n\n")
        ctes = []
        for i, r in enumerate(m.refs):
            ctes.append(f"r{i} as (\n    select * from {{{{ ref('{r.name}') }}}}\n)")
        for s in m.seed_refs:
            ctes.append(f"{s} as (\n    select * from {{{{ ref('{s}') }}}}\n)")
        out.append("with " + ",\n\n".join(ctes) + ",\n\n")
        keys = ", ".join(f"'r{i}.{r.pk}'" for i, r in enumerate(m.refs[:2]))
        out.append("joined as (\n    select\n")
        sel = [f"{{{{ surrogate_key([{keys}]) }}}} as {m.pk}",
               "least(" + ", ".join(f"r{i}.created_at" for i in range(len(m.refs))) + ") as created_at"]
        if m.layer == "marts":
            amt = [f"coalesce(r{i}.total_amount, 0)" if r.layer == "marts" else "0"
                   for i, r in enumerate(m.refs)]
            sel.append("sum(" + " + ".join(amt) + ") over () as total_amount")
        if "safe_divide" in m.uses:
            col = "share_of_total" if m.layer == "marts" else "ratio"
            sel.append(f"{{{{ safe_divide('count(*) over (partition by r0.{m.refs[0].pk})', 'count(*) over ()') }}}} as {col}")
        if m.layer == "intermediate":
            sel.append(f"r0.{m.refs[0].pk} as {m.refs[0].pk}")
        sel.append("count(*) over () as row_count")
        out.append(",\n".join("        " + s for s in sel) + "\n")
        out.append("    from r0\n")
        for i, r in enumerate(m.refs[1:], start=1):
            out.append(f"    left join r{i} on r0.{m.refs[0].pk} = r{i}.{r.pk}\n")
        for s in m.seed_refs:
            if s == "country_codes":
                out.append(f"    left join {s} on {s}.country_code = 'US'\n")
            elif s == "currency_rates":
                out.append(f"    left join {s} on {s}.currency = 'USD'\n")
            else:
                out.append(f"    left join {s} on {s}.raw_status = 'active'\n")
        if "start_date" in m.uses:
            out.append("    where r0.created_at >= {{ start_date() }}\n")
        out.append(")\n\nselect * from joined\n")
        if "incremental" in m.uses:
            out.append("{% if is_incremental() %}\n"
                       "where created_at > (select max(created_at) from {{ this }})\n"
                       "{% endif %}\n")
        return "".join(out)

    # ---------------------------------------------------------------- YAML
    def yaml_models(self, models):
        rng = self.rng
        out = ["version: 2\n\nmodels:\n"]
        for m in models:
            if m.layer == "staging":
                desc = (f"Staged {m.entity.replace('_', ' ')} from the "
                        f"{m.source[0].split('_', 1)[1]} source of the {m.domain} domain: "
                        "renamed, typed and lightly cleaned.")
            elif m.layer == "intermediate":
                desc = (f"Intermediate {m.domain} model combining "
                        + ", ".join(r.name for r in m.refs) + ".")
            else:
                desc = (f"{'Fact' if m.name.startswith('fct_') else 'Dimension'} table for "
                        f"{m.domain} reporting, built from {len(m.refs)} upstream models.")
            out.append(f"  - name: {m.name}\n")
            out.append(f"    description: {yq(desc)}\n")
            if m.layer == "marts" and rng.random() < 0.3:
                out.append("    config:\n")
                out.append(f"      tags: [{yq(m.domain)}, \"reporting\"]\n")
                out.append("      meta:\n")
                out.append(f"        owner: {yq(m.domain + '-analytics@example.com')}\n")
            out.append("    columns:\n")
            for name, _typ, cdesc in m.columns:
                out.append(f"      - name: {name}\n")
                if name == m.pk and rng.random() < 0.3:
                    out.append("        description: '{{ doc(\"surrogate_or_primary_key\") }}'\n")
                else:
                    out.append(f"        description: {yq(cdesc)}\n")
                tests = []
                if name == m.pk:
                    tests += ["          - unique\n", "          - not_null\n"]
                for col, kind in m.extra_tests:
                    if col != name:
                        continue
                    if kind == "accepted_values":
                        tests.append(
                            "          - accepted_values:\n"
                            "              arguments:\n"
                            f"                values: [{', '.join(yq(s) for s in STATUSES)}]\n"
                            "              config:\n"
                            "                severity: warn\n")
                    elif kind == "relationships":
                        tests.append(
                            "          - relationships:\n"
                            "              arguments:\n"
                            f"                to: ref('{m.refs[0].name}')\n"
                            f"                field: {m.refs[0].pk}\n")
                    elif kind == "not_null_where":
                        tests.append(
                            "          - not_null:\n"
                            "              config:\n"
                            "                where: \"row_count > 0\"\n")
                if tests:
                    out.append("        data_tests:\n")
                    out.extend(tests)
        return "".join(out)

    def yaml_sources(self, domain):
        rng = self.rng
        out = ["version: 2\n\nsources:\n"]
        stg_by_source = {}
        for m in self.by_domain[domain]["staging"]:
            stg_by_source.setdefault(m.source, m)
        for src, tables in self.sources[domain]:
            sysname = src.split("_", 1)[1]
            out.append(f"  - name: {src}\n")
            out.append(f"    description: {yq(f'Raw {sysname} data for the {domain} domain, loaded by the EL pipeline.')}\n")
            out.append(f"    schema: raw_{src}\n")
            out.append("    config:\n")
            out.append("      loaded_at_field: _loaded_at\n")
            out.append("      freshness:\n")
            warn = rng.choice([6, 12, 24])
            out.append(f"        warn_after: {{count: {warn}, period: hour}}\n")
            out.append(f"        error_after: {{count: {warn * 2}, period: hour}}\n")
            out.append("    tables:\n")
            for t in tables:
                m = stg_by_source[(src, t)]
                out.append(f"      - name: {t}\n")
                out.append(f"        description: {yq(f'One row per {t[:-1] if t.endswith(chr(115)) else t} as exported from {sysname}.')}\n")
                if rng.random() < 0.2:
                    out.append("        config:\n")
                    out.append("          freshness: null\n")
                out.append("        columns:\n")
                out.append("          - name: id\n")
                out.append("            description: \"Primary key in the source system\"\n")
                out.append("            data_tests:\n")
                out.append("              - not_null\n")
                if "amount" in (c[0] for c in m.columns):
                    out.append("          - name: amount_cents\n")
                    out.append("            description: \"Amount in minor currency units\"\n")
        return "".join(out)

    # ---------------------------------------------------------------- files
    def emit(self):
        f = self.files
        doms = self.domains
        view_int = [d for i, d in enumerate(doms) if i % 3 == 1]
        proj = [
            "name: bench_proj\n",
            "version: \"1.0.0\"\n",
            "config-version: 2\n",
            "profile: bench_proj\n\n",
            "model-paths: [\"models\"]\n",
            "analysis-paths: [\"analyses\"]\n",
            "test-paths: [\"tests\"]\n",
            "seed-paths: [\"seeds\"]\n",
            "macro-paths: [\"macros\"]\n",
            "snapshot-paths: [\"snapshots\"]\n\n",
            "clean-targets:\n  - target\n  - dbt_packages\n\n",
            "flags:\n  send_anonymous_usage_stats: false\n  partial_parse: true\n\n",
            "vars:\n",
            "  bench_start_date: \"2020-01-01\"\n",
            "  bench_currency: \"USD\"\n",
            "  bench_dev_row_limit: 1000\n\n",
            "models:\n",
            "  bench_proj:\n",
            "    +materialized: view\n",
            "    staging:\n",
            "      +materialized: view\n",
            "      +tags: [\"staging\"]\n",
            "      +schema: staging\n",
            "    intermediate:\n",
            "      +materialized: ephemeral\n",
            "      +tags: [\"intermediate\"]\n",
        ]
        for d in view_int:
            proj.append(f"      {d}:\n        +materialized: view\n        +schema: int_{d}\n")
        proj += [
            "    marts:\n",
            "      +materialized: table\n",
            "      +tags: [\"marts\"]\n",
        ]
        for d in doms[:3]:
            proj.append(f"      {d}:\n        +schema: {d}\n")
        proj += [
            "\nseeds:\n",
            "  bench_proj:\n",
            "    +schema: seeds\n",
            "\ndata_tests:\n",
            "  bench_proj:\n",
            "    +severity: error\n",
        ]
        f["dbt_project.yml"] = "".join(proj)
        f["profiles.yml"] = (
            "bench_proj:\n"
            "  target: dev\n"
            "  outputs:\n"
            "    dev:\n"
            "      type: duckdb\n"
            "      path: bench.duckdb\n"
            "      threads: 2\n"
        )
        f[".gitignore"] = "target/\nlogs/\ndbt_packages/\n*.duckdb\n*.duckdb.wal\n.user.yml\n"

        # Macros (some calling others).
        f["macros/cents_to_dollars.sql"] = (
            "{% macro cents_to_dollars(column_name, scale=2) -%}\n"
            "    round(cast({{ column_name }} as numeric(16, 4)) / 100, {{ scale }})\n"
            "{%- endmacro %}\n")
        f["macros/safe_divide.sql"] = (
            "{% macro safe_divide(numerator, denominator) -%}\n"
            "    case when {{ coalesce_zero(denominator) }} = 0 then null\n"
            "         else ({{ numerator }}) / ({{ denominator }}) end\n"
            "{%- endmacro %}\n\n"
            "{% macro coalesce_zero(expr) -%}\n"
            "    coalesce({{ expr }}, 0)\n"
            "{%- endmacro %}\n")
        f["macros/surrogate_key.sql"] = (
            "{% macro surrogate_key(field_list) -%}\n"
            "    md5({{ concat_fields(field_list) }})\n"
            "{%- endmacro %}\n\n"
            "{% macro concat_fields(field_list) -%}\n"
            "    {%- for field in field_list -%}\n"
            "        {{ coalesce_string(field) }}{% if not loop.last %} || '-' || {% endif %}\n"
            "    {%- endfor -%}\n"
            "{%- endmacro %}\n\n"
            "{% macro coalesce_string(field) -%}\n"
            "    coalesce(cast({{ field }} as varchar), '_null_')\n"
            "{%- endmacro %}\n")
        f["macros/dates.sql"] = (
            "{% macro start_date() -%}\n"
            "    cast('{{ var(\"bench_start_date\") }}' as timestamp)\n"
            "{%- endmacro %}\n")
        f["macros/limit_in_dev.sql"] = (
            "{% macro limit_in_dev(n=none) -%}\n"
            "    {%- if target.name == 'dev' -%}\n"
            "    limit {{ n if n is not none else var('bench_dev_row_limit') }}\n"
            "    {%- endif -%}\n"
            "{%- endmacro %}\n")
        f["macros/_macros.yml"] = (
            "version: 2\n\nmacros:\n"
            "  - name: cents_to_dollars\n"
            "    description: \"Convert an integer amount in cents to a rounded decimal.\"\n"
            "    arguments:\n"
            "      - name: column_name\n        type: string\n        description: \"Column holding cents\"\n"
            "      - name: scale\n        type: integer\n        description: \"Decimal places\"\n"
            "  - name: surrogate_key\n"
            "    description: \"md5 of the given fields, null-safe.\"\n"
            "  - name: safe_divide\n"
            "    description: \"Division that yields null on a zero denominator.\"\n")

        # Seeds.
        f["seeds/country_codes.csv"] = "country_code,country_name,region\n" + "".join(
            f"{c},{n},{r}\n" for c, n, r in [
                ("US", "United States", "amer"), ("CA", "Canada", "amer"),
                ("BR", "Brazil", "amer"), ("GB", "United Kingdom", "emea"),
                ("DE", "Germany", "emea"), ("FR", "France", "emea"),
                ("NL", "Netherlands", "emea"), ("IN", "India", "apac"),
                ("JP", "Japan", "apac"), ("AU", "Australia", "apac")])
        f["seeds/currency_rates.csv"] = "currency,rate_to_usd,as_of\n" + "".join(
            f"{c},{r},2024-01-01\n" for c, r in [
                ("USD", "1.0"), ("EUR", "1.09"), ("GBP", "1.27"), ("JPY", "0.0068"),
                ("CAD", "0.74"), ("AUD", "0.66"), ("INR", "0.012"), ("BRL", "0.2")])
        f["seeds/status_mapping.csv"] = "raw_status,status,is_terminal\n" + "".join(
            f"{a},{b},{t}\n" for a, b, t in [
                ("active", "active", "false"), ("pending", "pending", "false"),
                ("canceled", "cancelled", "true"), ("cancelled", "cancelled", "true"),
                ("done", "completed", "true"), ("completed", "completed", "true"),
                ("error", "failed", "true"), ("failed", "failed", "true")])
        f["seeds/_seeds.yml"] = (
            "version: 2\n\nseeds:\n"
            "  - name: country_codes\n"
            "    description: \"ISO country codes with a sales region.\"\n"
            "    config:\n      column_types:\n        country_code: varchar\n"
            "    columns:\n      - name: country_code\n        data_tests: [unique, not_null]\n"
            "  - name: currency_rates\n"
            "    description: \"Static FX rates to USD.\"\n"
            "    columns:\n      - name: currency\n        data_tests: [unique, not_null]\n"
            "  - name: status_mapping\n"
            "    description: \"Maps raw source statuses to the canonical set.\"\n"
            "    columns:\n      - name: raw_status\n        data_tests: [unique]\n")

        # Docs blocks.
        f["models/docs.md"] = (
            "{% docs surrogate_or_primary_key %}\n"
            "The key of this model: the source primary key for staging models,\n"
            "an md5 surrogate key built with `surrogate_key()` elsewhere.\n"
            "{% enddocs %}\n\n"
            "{% docs bench_overview %}\n"
            "Generated benchmark project. Layers: staging (views), intermediate\n"
            "(ephemeral or views), marts (tables).\n"
            "{% enddocs %}\n")

        # Models, one folder per layer/domain, one properties file per folder.
        for d in doms:
            for layer in ("staging", "intermediate", "marts"):
                ms = self.by_domain[d][layer]
                if not ms:
                    continue
                folder = f"models/{layer}/{d}"
                for m in ms:
                    f[f"{folder}/{m.name}.sql"] = (self.sql_staging(m) if layer == "staging"
                                                   else self.sql_joined(m))
                prefix = {"staging": "stg", "intermediate": "int", "marts": "mart"}[layer]
                f[f"{folder}/_{prefix}_{d}__models.yml"] = self.yaml_models(ms)
            if self.sources[d]:
                f[f"models/staging/{d}/_stg_{d}__sources.yml"] = self.yaml_sources(d)

        # Exposures.
        marts = [m for m in self.models if m.layer == "marts"]
        n_exp = max(3, min(25, self.n // 400))
        out = ["version: 2\n\nexposures:\n"]
        kinds = ["dashboard", "notebook", "analysis", "ml", "application"]
        for i in range(n_exp):
            deps = self.rng.sample(marts, min(len(marts), self.rng.randint(2, 4)))
            dom = deps[0].domain
            out.append(f"  - name: {dom}_{kinds[i % len(kinds)]}_{i + 1}\n")
            out.append(f"    label: {yq(dom.title() + ' ' + kinds[i % len(kinds)] + ' ' + str(i + 1))}\n")
            out.append(f"    type: {kinds[i % len(kinds)]}\n")
            if kinds[i % len(kinds)] == "dashboard":
                out.append("    maturity: high\n")
            out.append(f"    url: https://bi.example.com/{dom}/{i + 1}\n")
            out.append(f"    description: {yq('Consumes ' + ', '.join(m.name for m in deps) + '.')}\n")
            out.append("    depends_on:\n")
            for m in deps:
                out.append(f"      - ref('{m.name}')\n")
            out.append("    owner:\n")
            out.append(f"      name: {yq(dom.title() + ' Analytics')}\n")
            out.append(f"      email: {dom}-analytics@example.com\n")
        f["models/exposures.yml"] = "".join(out)

        # Singular tests.
        m0 = marts[0]
        m1 = marts[len(marts) // 2]
        f["tests/assert_mart_totals_non_negative.sql"] = (
            f"select * from {{{{ ref('{m0.name}') }}}}\nwhere total_amount < 0\n")
        f["tests/assert_mart_keys_present.sql"] = (
            f"select * from {{{{ ref('{m1.name}') }}}}\nwhere {m1.pk} is null\n")
        for folder in ("analyses", "snapshots"):
            f[f"{folder}/.gitkeep"] = ""


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--models", type=int, required=True, help="number of models (>= 10)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)

    gen = Generator(args.models, args.seed)
    files = gen.build()
    out = os.path.abspath(args.out_dir)
    os.makedirs(out, exist_ok=True)
    for rel, text in sorted(files.items()):
        path = os.path.join(out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    if not args.quiet:
        n_src = sum(len(v) for v in gen.sources.values())
        n_tab = sum(len(t) for v in gen.sources.values() for _s, t in v)
        print(f"bench_proj: {gen.n} models ({gen.n_stg} staging, {gen.n_int} intermediate, "
              f"{gen.n_mart} marts) in {len(gen.domains)} domains, {n_src} sources "
              f"({n_tab} tables), {len(files)} files -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
