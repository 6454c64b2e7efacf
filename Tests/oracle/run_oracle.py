#!/usr/bin/env python3
"""Oracle test: `rationale impact` must select exactly what dbt's `state:modified` selects.

    python3 Tests/oracle/run_oracle.py [--rationale PATH] [--keep] [-k NAME] [--jobs N]
    python3 Tests/oracle/run_oracle.py --dbt-only [--write-expected Tests/oracle/EXPECTED_DBT.md]

For every scenario below the script

  1. builds a throw-away git repository whose `main` holds the fixture project
     (Tests/oracle/project) under `dbt/`, and parses that base once with dbt into a state
     directory outside `target/`;
  2. makes a branch from `main`, applies the scenario's edits, commits;
  3. exports the head (git archive) into its own folder and asks dbt
     `dbt ls --resource-type model seed snapshot source exposure --select state:modified[+]
     --state <base state>`;
  4. runs `rationale impact --base main --head <branch> --dbt-compatible --format json` in the
     repository and asserts  modified == state:modified  and  modified ∪ downstream ==
     state:modified+ ;
  5. runs it again without `--dbt-compatible` and checks the scenario's beyond-dbt expectation;
  6. manifest mode: runs `rationale impact --manifest <head target>/manifest.json --state <base
     state> --dbt-compatible --format json` on the manifests dbt itself wrote, and asserts the same
     two equalities (known, explained differences: MANIFEST_EXCEPTIONS).

dbt is the truth. Each scenario also records what dbt 1.11.16 (+ dbt-duckdb 1.11.1) selected
when the scenario was written (`dbt` / `dbt_plus`). A live dbt that disagrees with the record
is reported as DRIFT: a failure with --dbt-only (which checks dbt alone), a note otherwise.

When $DBT is a Python console script, the dbt side runs in-process in that Python
(dbt.cli.main.dbtRunner: one full parse of the head, both `ls` on that manifest); --dbt-cli runs
two `dbt ls` processes instead. Both give the same sets; the first costs about 40 % less CPU.

Environment: $DBT (dbt executable, default `dbt` on PATH), $RATIONALE_BIN (default
.build/release/rationale under the repository root). Python 3.11 standard library only; no
network (dbt's anonymous usage stats are switched off; `parse` and `ls` never connect).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import io
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
FIXTURE = HERE / "project"
PROJECT = "jaffle_oracle"
SUBDIR = "dbt"  # where the project lives inside the temporary repository
RESOURCE_TYPES = ["model", "seed", "snapshot", "source", "exposure"]
ID_PREFIXES = tuple(t + "." for t in RESOURCE_TYPES)
TIMEOUT = 300  # seconds, per subprocess


# ---------------------------------------------------------------------------------------------
# Edit operations (paths are relative to the dbt project folder)
# ---------------------------------------------------------------------------------------------

def replace(path: str, old: str, new: str) -> tuple:
    """Replace the single occurrence of `old` in `path` by `new` (fails if not exactly once)."""
    return ("replace", path, old, new)


def append(path: str, text: str) -> tuple:
    return ("append", path, text)


def write(path: str, text: str) -> tuple:
    """Create or overwrite a file."""
    return ("write", path, text)


def delete(path: str) -> tuple:
    return ("delete", path)


def move(src: str, dst: str) -> tuple:
    """`git mv` (content unchanged)."""
    return ("move", src, dst)


# Beyond-dbt expectations, checked on the output without --dbt-compatible.
def expect_deleted(uid: str) -> tuple:
    return ("deleted", uid)


def expect_reason(uid: str, code: str) -> tuple:
    return ("reason", uid, code)


def m(name: str) -> str:
    return f"model.{PROJECT}.{name}"


SEED = f"seed.{PROJECT}."
PKG = "model.audit_pkg."  # the package installed in dbt_packages/
SRC = f"source.{PROJECT}."
SNAP = f"snapshot.{PROJECT}."
EXPO = f"exposure.{PROJECT}."

# Frequently used downstream sets (as observed with dbt 1.11.16).
FCT_ORDERS_PLUS = [  # fct_orders and everything below it
    m("fct_orders"), m("revenue_daily"), m("customer_ltv.v1"), m("customer_ltv.v2"),
    m("customer_report"), m("orders_report"), m("orders_by_status_py"), EXPO + "weekly_dashboard",
    m("paid_orders_report"),  # through the ref inside the macro paid_orders()
]
DIM_CUSTOMERS_PLUS = [
    m("dim_customers"), m("customer_ltv.v2"), m("customer_report"), EXPO + "weekly_dashboard",
]
STG_ORDERS_PLUS = sorted(set(
    [m("stg_orders"), m("int_order_payments"), m("int_customer_orders")]
    + FCT_ORDERS_PLUS + DIM_CUSTOMERS_PLUS
    + [PKG + "audit_orders", m("audit_report")]))  # the installed package's model refs stg_orders
STG_PAYMENTS_PLUS = sorted(set(
    [m("stg_payments"), m("int_order_payments"), m("payments_summary")] + FCT_ORDERS_PLUS))
STG_CUSTOMERS_PLUS = sorted(set(
    [m("stg_customers"), SNAP + "customers_snapshot", m("dim_customer_history")]
    + DIM_CUSTOMERS_PLUS))


# ---------------------------------------------------------------------------------------------
# Scenarios. `dbt` / `dbt_plus`: what dbt 1.11.16 selected for state:modified / state:modified+
# (resource types model, seed, snapshot, source, exposure). `beyond`: checked without
# --dbt-compatible.
# ---------------------------------------------------------------------------------------------

SCENARIOS: list[dict] = [
    dict(
        name="sql_edit",
        ops=[replace("models/staging/stg_orders.sql",
                     "    status\nfrom source", "    lower(status) as status\nfrom source")],
        # dbt: stg_orders (.body); + pulls both intermediates, the marts below, the exposure.
        dbt=[m("stg_orders")], dbt_plus=STG_ORDERS_PLUS,
    ),
    dict(
        name="comment_only_edit",
        ops=[replace("models/staging/stg_customers.sql",
                     "with source as (", "-- customers, renamed\nwith source as (")],
        # dbt: stg_customers (raw_code differs; no normalisation) + snapshot and its model.
        dbt=[m("stg_customers")], dbt_plus=STG_CUSTOMERS_PLUS,
    ),
    dict(
        name="macro_edit",
        ops=[replace("macros/money.sql", "::numeric(16, {{ precision }})",
                     "::decimal(16, {{ precision }})")],
        # dbt: stg_payments (the only user of cents_to_dollars).
        dbt=[m("stg_payments")], dbt_plus=STG_PAYMENTS_PLUS,
    ),
    dict(
        name="inner_macro_edit",
        ops=[replace("macros/money.sql", "    100\n", "    100.0\n")],
        # dbt: stg_payments, through cents_to_dollars -> money_scale.
        dbt=[m("stg_payments")], dbt_plus=STG_PAYMENTS_PLUS,
    ),
    dict(
        name="unused_macro_edit",
        ops=[replace("macros/unused.sql", "then 'R'", "then 'RET'")],
        # dbt: nothing.
        dbt=[], dbt_plus=[],
    ),
    dict(
        name="dispatch_postgres_only_edit",
        ops=[replace("macros/safe_concat.sql", "concat({{ left }}, ' ', {{ right }})",
                     "({{ left }} || ' ' || {{ right }})")],
        # dbt: nothing (postgres__safe_concat is not a candidate for duckdb).
        dbt=[], dbt_plus=[],
    ),
    dict(
        name="dispatch_default_edit",
        ops=[replace("macros/safe_concat.sql", "    {{ left }} || ' ' || {{ right }}",
                     "    coalesce({{ left }}, '') || ' ' || coalesce({{ right }}, '')")],
        # dbt: nothing: at parse time safe_concat resolves to duckdb__safe_concat only, and the
        # manifest records only that one as safe_concat's macro dependency.
        dbt=[], dbt_plus=[],
    ),
    dict(
        name="dispatch_duckdb_edit",
        ops=[replace("macros/safe_concat.sql", "concat_ws(' ', {{ left }}, {{ right }})",
                     "concat_ws(' ', trim({{ left }}), trim({{ right }}))")],
        # dbt: dim_customers (safe_concat -> duckdb__safe_concat).
        dbt=[m("dim_customers")], dbt_plus=DIM_CUSTOMERS_PLUS,
    ),
    dict(
        name="description_only_no_persist_docs",
        ops=[replace("models/staging/_staging.yml",
                     "One row per order, renamed from the raw seed.", "One row per order.")],
        # dbt: nothing (staging has no persist_docs).
        dbt=[], dbt_plus=[],
        beyond=[expect_reason(m("stg_orders"), "docs")],
    ),
    dict(
        name="description_with_persist_docs",
        ops=[replace("models/marts/core/_core.yml",
                     "First and last name.", "First name, a space, last name.")],
        # dbt: dim_customers (.persisted_descriptions; marts/core has persist_docs columns).
        dbt=[m("dim_customers")], dbt_plus=DIM_CUSTOMERS_PLUS,
    ),
    dict(
        name="project_materialized_change",
        ops=[replace("dbt_project.yml",
                     "    staging:\n      +materialized: view", "    staging:\n      +materialized: table")],
        # dbt: the four staging models (.configs); + is the whole model graph below them.
        dbt=[m("stg_customers"), m("stg_events"), m("stg_orders"), m("stg_payments")],
        dbt_plus=sorted(set(STG_ORDERS_PLUS + STG_PAYMENTS_PLUS + STG_CUSTOMERS_PLUS
                            + [m("stg_events"), m("events_summary"), m("recent_events"), m("loop_summary")])),
    ),
    dict(
        name="project_schema_change",
        ops=[replace("dbt_project.yml", "+schema: finance", "+schema: finance_mart")],
        # dbt: the finance models (.relation), both versions of customer_ltv.
        dbt=[m("customer_ltv.v1"), m("customer_ltv.v2"), m("payments_summary"), m("revenue_daily")],
        dbt_plus=[m("customer_ltv.v1"), m("customer_ltv.v2"), m("customer_report"),
                  m("payments_summary"), m("revenue_daily"), EXPO + "weekly_dashboard"],
    ),
    dict(
        name="new_generic_test",
        ops=[replace("models/staging/_staging.yml",
                     "        data_tests:\n          - unique\n",
                     "        data_tests:\n          - unique\n          - not_null\n")],
        # dbt: only the new test node, which is outside the compared resource types: nothing.
        dbt=[], dbt_plus=[],
    ),
    dict(
        name="seed_change",
        ops=[append("seeds/raw_orders.csv", "7,3,2018-01-09,completed\n")],
        # dbt: the seed (checksum); + pulls stg_orders and all below it.
        dbt=[SEED + "raw_orders"], dbt_plus=sorted([SEED + "raw_orders"] + STG_ORDERS_PLUS),
    ),
    dict(
        name="seed_config_change",
        ops=[replace("dbt_project.yml", "order_date: date", "order_date: varchar")],
        # dbt: the seed (.configs: column_types).
        dbt=[SEED + "raw_orders"], dbt_plus=sorted([SEED + "raw_orders"] + STG_ORDERS_PLUS),
    ),
    dict(
        name="source_description_change",
        ops=[replace("models/staging/_sources.yml", "One row per payment attempt.",
                     "One row per payment attempt, including failed ones.")],
        # dbt: nothing (a source's description is not compared).
        dbt=[], dbt_plus=[],
    ),
    dict(
        name="source_freshness_change",
        ops=[replace("models/staging/_sources.yml",
                     "warn_after: {count: 12, period: hour}", "warn_after: {count: 8, period: hour}")],
        # dbt: the source; + pulls stg_payments and below.
        dbt=[SRC + "shop.payments"], dbt_plus=sorted([SRC + "shop.payments"] + STG_PAYMENTS_PLUS),
    ),
    dict(
        name="source_loaded_at_field_change",
        ops=[replace("models/staging/_sources.yml",
                     "loaded_at_field: _etl_loaded_at", "loaded_at_field: _synced_at")],
        # dbt: the source; + pulls stg_payments and below.
        dbt=[SRC + "shop.payments"], dbt_plus=sorted([SRC + "shop.payments"] + STG_PAYMENTS_PLUS),
    ),
    dict(
        name="exposure_change",
        ops=[replace("models/marts/_exposures.yml", "type: dashboard", "type: application")],
        # dbt: the exposure only.
        dbt=[EXPO + "weekly_dashboard"], dbt_plus=[EXPO + "weekly_dashboard"],
    ),
    dict(
        name="snapshot_config_change",
        ops=[replace("snapshots/customers_snapshot.sql",
                     "check_cols=['first_name', 'last_name']",
                     "check_cols=['first_name', 'last_name', 'country_code']")],
        # dbt: the snapshot; + pulls dim_customer_history.
        dbt=[SNAP + "customers_snapshot"],
        dbt_plus=[m("dim_customer_history"), SNAP + "customers_snapshot"],
    ),
    dict(
        name="contract_enforced",
        ops=[replace("models/marts/finance/_finance.yml", "enforced: false", "enforced: true")],
        # dbt: payments_summary (.contract and .configs); it has no children.
        dbt=[m("payments_summary")], dbt_plus=[m("payments_summary")],
    ),
    dict(
        name="trailing_blank_lines_only",
        ops=[append("models/staging/stg_orders.sql", "\n\n   \n")],
        # dbt: nothing (every file is stripped before raw_code is compared).
        dbt=[], dbt_plus=[],
    ),
    dict(
        name="duplicate_yaml_key",
        ops=[replace("models/marts/finance/_finance.yml",
                     "  - name: revenue_daily\n",
                     "  - name: revenue_daily\n    config:\n      materialized: view\n"
                     "    config:\n      materialized: incremental\n")],
        # dbt: revenue_daily (the last `config:` wins: incremental instead of table); + exposure.
        dbt=[m("revenue_daily")], dbt_plus=[EXPO + "weekly_dashboard", m("revenue_daily")],
    ),
    dict(
        name="hook_macro_edit_config",
        ops=[replace("macros/audit.sql", "as audited", "as audited_at")],
        # dbt: fct_orders, whose config(post_hook=...) calls audit_row (hooks render at parse).
        dbt=[m("fct_orders")], dbt_plus=FCT_ORDERS_PLUS,
    ),
    dict(
        name="hook_macro_edit_project",
        ops=[replace("macros/audit.sql", "as granted", "as granted_to")],
        # dbt: the reporting folder, whose +pre-hook in dbt_project.yml calls reporting_grant
        # (the Python model too); nothing depends on them.
        dbt=[m("customer_report"), m("events_summary"), m("orders_by_status_py"), m("orders_report"),
             m("paid_orders_report"), m("recent_events"), m("loop_summary"), m("audit_report")],
        dbt_plus=[m("customer_report"), m("events_summary"), m("orders_by_status_py"), m("orders_report"),
                  m("paid_orders_report"), m("recent_events"), m("loop_summary"), m("audit_report")],
    ),
    dict(
        name="ref_inside_macro",
        ops=[replace("models/marts/core/fct_orders.sql", "    amount\n", "    amount,\n    1 as version\n")],
        # dbt: fct_orders; + pulls paid_orders_report, whose only ref is inside a macro it calls.
        dbt=[m("fct_orders")], dbt_plus=FCT_ORDERS_PLUS,
    ),
    dict(
        name="ref_macro_parameter",
        ops=[replace("models/staging/stg_events.sql", "    event_type,\n", "    lower(event_type) as event_type,\n")],
        # dbt: stg_events; + pulls events_summary and recent_events, whose only ref is the
        # string it passes to the macro recent_rows(model_name), which does ref(model_name).
        dbt=[m("stg_events")], dbt_plus=[m("events_summary"), m("recent_events"), m("loop_summary"), m("stg_events")],
    ),
    dict(
        name="source_freshness_moved_under_config",
        ops=[replace("models/staging/_sources.yml",
                     "        loaded_at_field: _etl_loaded_at\n        freshness:\n"
                     "          warn_after: {count: 12, period: hour}\n          error_after: {count: 24, period: hour}\n",
                     "        config:\n          loaded_at_field: _etl_loaded_at\n          freshness:\n"
                     "            warn_after: {count: 12, period: hour}\n            error_after: {count: 24, period: hour}\n")],
        # dbt: nothing: freshness and loaded_at_field settle to the same values wherever written.
        dbt=[], dbt_plus=[],
    ),
    dict(
        name="builtin_source_override_edit",
        ops=[replace("macros/source.sql", "{{ return(builtins.source(source_name, table_name)) }}",
                     "{{ return(builtins.source(source_name | trim, table_name | trim)) }}")],
        # dbt: every node that calls source(): the project's macro named source replaces the
        # builtin, and dbt counts it among their macros (ol-data-platform 859b2339de).
        dbt=[m("stg_events"), m("stg_payments")],
        dbt_plus=sorted(set(STG_PAYMENTS_PLUS + [m("stg_events"), m("events_summary"), m("recent_events"), m("loop_summary")])),
    ),
    dict(
        name="source_database_same_rendered_value",
        ops=[replace("models/staging/_sources.yml", 'database: "{{ target.database }}"',
                     'database: "{{ target.database | default(none) }}"')],
        # dbt: nothing: both render to the target's database (ol-data-platform 0e4011820c).
        dbt=[], dbt_plus=[],
    ),
    dict(
        name="block_scalar_no_longer_ends_the_file",
        ops=[append("models/marts/core/_core.yml", "  - name: events_summary\n")],
        # dbt: dim_customer_history: dbt reads the file stripped, so its last column description
        # (a `|` block that ended the file) had no final line break and now has one; marts/core
        # persists column docs (cal-itp b6a4ba5a4f). events_summary gains only a patch path.
        dbt=[m("dim_customer_history")], dbt_plus=[m("dim_customer_history")],
    ),
    dict(
        name="seed_hook_macro_edit",
        ops=[replace("macros/audit.sql", "as loaded", "as loaded_at")],
        # dbt: the seed whose +post-hook calls seed_loaded (tuva 1241cb18f7); + pulls stg_customers
        # and below.
        dbt=[SEED + "raw_customers"], dbt_plus=sorted([SEED + "raw_customers"] + STG_CUSTOMERS_PLUS),
    ),
    dict(
        name="ref_loop_over_literal_list",
        ops=[replace("models/staging/stg_events.sql", "    customer_id,\n", "    customer_id as customer,\n")],
        # dbt: stg_events; + pulls events_summary, recent_events and loop_summary (its ref is a
        # loop over a list built under if var(...); tuva's data-quality marts).
        dbt=[m("stg_events")], dbt_plus=[m("events_summary"), m("loop_summary"), m("recent_events"), m("stg_events")],
    ),
    dict(
        name="installed_package_model_root_config",
        ops=[replace("dbt_project.yml", "\nmodels:\n", "\nmodels:\n  audit_pkg:\n    +schema: audit\n")],
        # dbt: the installed package's model (the root project's configs apply to package
        # models); + pulls audit_report, which refs it as ref('audit_pkg', 'audit_orders').
        dbt=[PKG + "audit_orders"], dbt_plus=[PKG + "audit_orders", m("audit_report")],
    ),
    dict(
        name="installed_package_macro_called_by_root",
        ops=[replace("models/marts/reporting/audit_report.sql", "select * from",
                     "select *, {{ audit_pkg.audited_flag() }} as flag from")],
        # dbt: audit_report (body); nothing below it. The package macro is read from dbt_packages/.
        dbt=[m("audit_report")], dbt_plus=[m("audit_report")],
    ),
    dict(
        name="config_var_value_change",
        ops=[replace("dbt_project.yml", "vars:\n", "vars:\n  events_materialization: view\n")],
        # dbt: events_summary, whose config(materialized=var(...)) renders to view now (.configs:
        # a config() call's rendered value is what dbt keeps); nothing depends on it.
        dbt=[m("events_summary")], dbt_plus=[m("events_summary")],
    ),
    dict(
        name="source_freshness_table_null_override",
        ops=[replace("models/staging/_crm.yml",
                     "    loaded_at_field: updated_at\n",
                     "    loaded_at_field: updated_at\n    freshness:\n      warn_after: {count: 12, period: hour}\n"),
             replace("models/staging/_crm.yml",
                     "      - name: contacts\n",
                     "      - name: contacts\n        freshness:\n          warn_after: null\n")],
        # dbt: accounts (it inherits the new warn_after); contacts' merged threshold sets
        # nothing (the null override leaves no complete warn_after or error_after), as before.
        dbt=[SRC + "crm.accounts"], dbt_plus=[SRC + "crm.accounts"],
    ),
    dict(
        name="contract_constraint_added",
        ops=[replace("models/contracted/_contracted.yml",
                     "      - name: id\n        data_type: integer\n",
                     "      - name: id\n        data_type: integer\n        constraints:\n          - type: not_null\n")],
        # dbt: contracted_constants (.contract: constraints are in the checksum).
        dbt=[m("contracted_constants")], dbt_plus=[m("contracted_constants")],
    ),
    dict(
        name="contract_model_constraint_added",
        ops=[replace("models/contracted/_contracted.yml",
                     "    columns:\n",
                     "    constraints:\n      - type: primary_key\n        columns: [id]\n    columns:\n")],
        # dbt: contracted_constants (a table: model-level constraints are in the checksum).
        dbt=[m("contracted_constants")], dbt_plus=[m("contracted_constants")],
    ),
    dict(
        name="contract_columns_reordered",
        ops=[replace("models/contracted/_contracted.yml",
                     "      - name: id\n        data_type: integer\n      - name: label\n        data_type: varchar\n",
                     "      - name: label\n        data_type: varchar\n      - name: id\n        data_type: integer\n")],
        # dbt: nothing (the checksum sorts columns by name).
        dbt=[], dbt_plus=[],
    ),
    dict(
        name="yaml_meta_change",
        ops=[replace("models/marts/finance/_finance.yml",
                     "  - name: revenue_daily\n",
                     "  - name: revenue_daily\n    config:\n      meta:\n        owner: finance\n")],
        # dbt: revenue_daily (.configs: meta counts); + the exposure.
        dbt=[m("revenue_daily")], dbt_plus=[EXPO + "weekly_dashboard", m("revenue_daily")],
    ),
    dict(
        name="tags_only_change",
        ops=[replace("dbt_project.yml", '+tags: ["reporting"]', '+tags: ["reporting", "weekly"]')],
        # dbt: nothing (tags are excluded from the config comparison).
        dbt=[], dbt_plus=[],
    ),
    dict(
        name="new_model",
        ops=[write("models/marts/reporting/late_orders.sql",
                   "select order_id, order_date\nfrom {{ ref('fct_orders') }}\n"
                   "where status = 'placed'\n")],
        # dbt: the new model (state:new).
        dbt=[m("late_orders")], dbt_plus=[m("late_orders")],
    ),
    dict(
        name="renamed_model",
        ops=[move("models/marts/reporting/customer_report.sql",
                  "models/marts/reporting/customer_value_report.sql")],
        # dbt: the new name only (state:new); the old id silently disappears.
        dbt=[m("customer_value_report")], dbt_plus=[m("customer_value_report")],
        beyond=[expect_reason(m("customer_value_report"), "renamed")],
    ),
    dict(
        name="deleted_model",
        ops=[delete("models/marts/reporting/orders_report.sql")],
        # dbt: nothing (deleted nodes are not in the current manifest).
        dbt=[], dbt_plus=[],
        beyond=[expect_deleted(m("orders_report"))],
    ),
    dict(
        name="moved_model_folder",
        ops=[move("models/marts/reporting/events_summary.sql",
                  "models/marts/core/events_summary.sql")],
        # dbt: events_summary (same unique_id, fqn and folder configs changed).
        dbt=[m("events_summary")], dbt_plus=[m("events_summary")],
    ),
    dict(
        name="new_ref_edge",
        ops=[write("models/marts/core/fct_orders.sql",
                   "select\n"
                   "    orders.order_id,\n"
                   "    orders.customer_id,\n"
                   "    orders.order_date,\n"
                   "    orders.status,\n"
                   "    orders.amount\n"
                   "from {{ ref('int_order_payments') }} as orders\n"
                   "inner join {{ ref('stg_customers') }} as customers\n"
                   "    on orders.customer_id = customers.customer_id\n")],
        # dbt: fct_orders (not its new parent stg_customers).
        dbt=[m("fct_orders")], dbt_plus=FCT_ORDERS_PLUS,
    ),
    dict(
        name="var_value_change",
        ops=[replace("dbt_project.yml",
                     'revenue_cutoff: "2018-01-01"', 'revenue_cutoff: "2018-01-03"')],
        # dbt: nothing (vars are not compared: dbt-core #4304, #10334).
        dbt=[], dbt_plus=[],
        beyond=[expect_reason(m("revenue_daily"), "vars")],
    ),
    dict(
        name="versioned_model_edit",
        ops=[replace("models/marts/finance/customer_ltv_v2.sql",
                     "count(*) as number_of_orders", "count(distinct orders.order_id) as number_of_orders")],
        # dbt: customer_ltv.v2 only; + pulls customer_report (unpinned ref -> latest = v2).
        dbt=[m("customer_ltv.v2")], dbt_plus=[m("customer_ltv.v2"), m("customer_report")],
    ),
    dict(
        name="latest_version_change",
        ops=[replace("models/marts/finance/_finance.yml", "latest_version: 2", "latest_version: 1")],
        # dbt: BOTH versions (ModelNode.same_ref_representation compares latest_version, access
        # and deprecation_date); customer_report, whose unpinned ref now resolves to v1, is not
        # selected itself (depends_on is never compared) but comes in through +.
        dbt=[m("customer_ltv.v1"), m("customer_ltv.v2")],
        dbt_plus=[EXPO + "weekly_dashboard", m("customer_ltv.v1"), m("customer_ltv.v2"),
                  m("customer_report")],
    ),
    dict(
        name="access_change",
        ops=[replace("models/marts/finance/_finance.yml",
                     "  - name: revenue_daily\n", "  - name: revenue_daily\n    access: public\n")],
        # dbt: revenue_daily (same_ref_representation: access); + the exposure.
        dbt=[m("revenue_daily")], dbt_plus=[EXPO + "weekly_dashboard", m("revenue_daily")],
    ),
    dict(
        name="deprecation_date_added",
        ops=[replace("models/marts/finance/_finance.yml",
                     "      - v: 1\n", "      - v: 1\n        deprecation_date: 2099-12-31\n")],
        # dbt: customer_ltv.v1 only (same_ref_representation: deprecation_date); + the exposure
        # (pinned to v=1).
        dbt=[m("customer_ltv.v1")], dbt_plus=[EXPO + "weekly_dashboard", m("customer_ltv.v1")],
    ),
    dict(
        name="unenforced_column_type_change",
        ops=[replace("models/marts/finance/_finance.yml",
                     "data_type: bigint", "data_type: integer")],
        # dbt: nothing (column types only count through an enforced contract).
        dbt=[], dbt_plus=[],
    ),
    dict(
        name="source_meta_change",
        ops=[replace("models/staging/_sources.yml",
                     "        identifier: raw_payments\n",
                     "        identifier: raw_payments\n        meta:\n          owner: payments-team\n")],
        # dbt: the source! Since 1.10 a source's top-level meta is copied into config.meta and
        # unrendered_config, and SourceConfig does not exclude meta from the comparison.
        dbt=[SRC + "shop.payments"], dbt_plus=sorted([SRC + "shop.payments"] + STG_PAYMENTS_PLUS),
    ),
    dict(
        name="source_tags_change",
        ops=[replace("models/staging/_sources.yml",
                     "        identifier: web_events\n",
                     "        identifier: web_events\n        tags: [\"clickstream\"]\n")],
        # dbt: the source! SourceConfig.tags lacks CompareBehavior.Exclude (model tags have it);
        # + pulls stg_events, events_summary and recent_events.
        dbt=[SRC + "shop.events"], dbt_plus=[m("events_summary"), m("recent_events"), m("loop_summary"), m("stg_events"), SRC + "shop.events"],
    ),
    dict(
        name="model_meta_property_change",
        ops=[replace("models/staging/_staging.yml",
                     "    description: Payments in dollars.\n",
                     "    description: Payments in dollars.\n    meta:\n      pii: false\n")],
        # dbt: stg_payments (top-level meta lands in config.meta, which is compared).
        dbt=[m("stg_payments")], dbt_plus=STG_PAYMENTS_PLUS,
    ),
    dict(
        name="sources_file_moved",
        ops=[move("models/staging/_sources.yml", "models/_sources.yml")],
        # dbt: both sources: a source's fqn contains the folder of its YAML file.
        dbt=[SRC + "shop.events", SRC + "shop.payments"],
        dbt_plus=sorted(set([SRC + "shop.events", SRC + "shop.payments", m("stg_events"),
                             m("events_summary"), m("recent_events"), m("loop_summary")] + STG_PAYMENTS_PLUS)),
    ),
    dict(
        name="model_disabled",
        ops=[replace("models/marts/reporting/orders_report.sql",
                     "select status", "{{ config(enabled=false) }}\n\nselect status")],
        # dbt: nothing (a disabled node is treated like a deleted one).
        dbt=[], dbt_plus=[],
    ),
    dict(
        name="python_model_edit",
        ops=[replace("models/marts/reporting/orders_by_status_py.py",
                     'reset_index(name="orders")', 'reset_index(name="order_count")')],
        # dbt: the Python model (.body).
        dbt=[m("orders_by_status_py")], dbt_plus=[m("orders_by_status_py")],
    ),
]


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

# Scenarios where manifest mode may legitimately differ from dbt, with the reason. Manifest mode
# compares the same manifests dbt compares, so every entry here is a limit of the classifier
# shared with source mode, not of the reader. Keep in step with README.md ("Manifest mode").
MANIFEST_EXCEPTIONS: dict[str, str] = {}


class OracleError(Exception):
    pass


def git_env() -> dict:
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("GIT_"):
            del env[k]
    env.update({
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_AUTHOR_NAME": "Oracle Test",
        "GIT_AUTHOR_EMAIL": "oracle@example.invalid",
        "GIT_COMMITTER_NAME": "Oracle Test",
        "GIT_COMMITTER_EMAIL": "oracle@example.invalid",
        "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z",
        "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z",
        "GIT_TERMINAL_PROMPT": "0",
    })
    return env


def dbt_env() -> dict:
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("DBT_") and k != "DBT":
            del env[k]
    env.update({
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_USE_COLORS": "false",
        "DO_NOT_TRACK": "1",
    })
    return env


def run(cmd: list[str], cwd: Path, env: dict, check: bool = True,
        stdin: bytes | None = None) -> subprocess.CompletedProcess:
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, input=stdin, capture_output=True,
                           timeout=TIMEOUT)
    except subprocess.TimeoutExpired as e:
        raise OracleError(f"timeout after {TIMEOUT}s: {' '.join(cmd)}") from e
    if check and p.returncode != 0:
        raise OracleError(
            f"command failed ({p.returncode}): {' '.join(cmd)}\n"
            f"--- stdout ---\n{tail(p.stdout)}\n--- stderr ---\n{tail(p.stderr)}")
    return p


def tail(b: bytes, n: int = 40) -> str:
    return "\n".join(b.decode("utf-8", "replace").splitlines()[-n:])


def git(repo: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return run(["git", *args], cwd=repo, env=git_env(), stdin=stdin)


def export_commit(repo: Path, rev: str, dest: Path) -> None:
    """`git archive` a revision into dest (no .git, nothing shared with other checkouts)."""
    data = git(repo, "archive", "--format=tar", rev).stdout
    dest.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tf:
        try:
            tf.extractall(dest, filter="data")
        except TypeError:  # Python < 3.11.4 has no extraction filters
            tf.extractall(dest)


def apply_op(project: Path, repo: Path, op: tuple) -> None:
    kind = op[0]
    if kind == "replace":
        _, rel, old, new = op
        p = project / rel
        text = p.read_text()
        count = text.count(old)
        if count != 1:
            raise OracleError(f"replace: {old!r} occurs {count} times in {rel}")
        p.write_text(text.replace(old, new))
    elif kind == "append":
        _, rel, text = op
        with open(project / rel, "a") as f:
            f.write(text)
    elif kind == "write":
        _, rel, text = op
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text)
    elif kind == "delete":
        _, rel = op
        git(repo, "rm", "-q", f"{SUBDIR}/{rel}")
    elif kind == "move":
        _, src, dst = op
        (project / dst).parent.mkdir(parents=True, exist_ok=True)
        git(repo, "mv", f"{SUBDIR}/{src}", f"{SUBDIR}/{dst}")
    else:
        raise OracleError(f"unknown edit operation {kind!r}")


def branch_name(name: str) -> str:
    return f"oracle/{name}"


# ---------------------------------------------------------------------------------------------
# dbt
# ---------------------------------------------------------------------------------------------

def dbt_common(project_dir: Path, work: Path) -> list[str]:
    return ["--project-dir", str(project_dir), "--profiles-dir", str(project_dir),
            "--target-path", str(work / "target"), "--log-path", str(work / "logs")]


def dbt_parse_base(dbt: str, project_dir: Path, work: Path, state_dir: Path) -> None:
    run([dbt, "parse", *dbt_common(project_dir, work), "--no-partial-parse"],
        cwd=project_dir, env=dbt_env())
    state_dir.mkdir(parents=True)
    shutil.copy2(work / "target" / "manifest.json", state_dir / "manifest.json")


def ls_cmd(selector: str, state_dir: Path) -> list[str]:
    """The `dbt ls` arguments that define the oracle (after the common path flags)."""
    return ["--resource-type", *RESOURCE_TYPES, "--select", selector, "--state", str(state_dir),
            "--output", "json", "--output-keys", "unique_id"]


def ids_from_ls_lines(lines) -> list[str]:
    ids = set()
    for line in lines:
        line = line.strip()
        if not line.startswith("{"):
            continue  # log lines, warnings
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict) and isinstance(obj.get("unique_id"), str):
            ids.add(obj["unique_id"])
    return sorted(ids)


def dbt_ls_cli(dbt: str, project_dir: Path, work: Path, state_dir: Path,
               selectors: list[str]) -> dict[str, list[str]]:
    """One `dbt ls` process per selector (the second one reuses the first one's partial parse)."""
    out = {}
    for sel in selectors:
        cmd = [dbt, "--quiet", "ls", *dbt_common(project_dir, work), *ls_cmd(sel, state_dir)]
        p = run(cmd, cwd=project_dir, env=dbt_env())
        out[sel] = ids_from_ls_lines(p.stdout.decode("utf-8", "replace").splitlines())
    return out


# In-process variant: the same `dbt parse` + `dbt ls` invocations through dbt's documented
# programmatic entry point (dbt.cli.main.dbtRunner), in the Python that runs $DBT. The head is
# parsed once (full parse) and both `ls` calls reuse that manifest, which saves one interpreter
# start and one manifest load per scenario (about half of dbt's CPU time here).
API_HELPER = r"""
import json, sys
from dbt.cli.main import dbtRunner
spec = json.loads(sys.argv[1])
res = dbtRunner().invoke(["parse", "--quiet", "--no-partial-parse", *spec["common"]])
if not res.success:
    print("dbt parse failed: %r" % (res.exception,), file=sys.stderr)
    sys.exit(3)
manifest = res.result
out = {}
for sel, ls_args in spec["ls"]:
    r = dbtRunner(manifest=manifest).invoke(["ls", "--quiet", *spec["common"], *ls_args])
    if not r.success:
        print("dbt ls %s failed: %r" % (sel, r.exception), file=sys.stderr)
        sys.exit(3)
    out[sel] = list(r.result or [])
print("@@ORACLE@@" + json.dumps(out))
"""


def dbt_python(dbt: str) -> str | None:
    """The interpreter of a Python console script `dbt` that can import dbt.cli.main, else None."""
    try:
        with open(dbt, "rb") as f:
            first = f.readline().decode("utf-8", "replace").strip()
    except OSError:
        return None
    if not first.startswith("#!"):
        return None
    parts = first[2:].split()
    if not parts:
        return None
    cmd = parts if not parts[0].endswith("/env") else parts[1:]
    if not cmd or "python" not in Path(cmd[0]).name:
        return None
    exe = shutil.which(cmd[0]) if not os.path.isabs(cmd[0]) else cmd[0]
    if not exe:
        return None
    p = subprocess.run([exe, "-c", "from dbt.cli.main import dbtRunner"], env=dbt_env(),
                       capture_output=True, timeout=120)
    return exe if p.returncode == 0 else None


def dbt_ls_api(python: str, project_dir: Path, work: Path, state_dir: Path,
               selectors: list[str]) -> dict[str, list[str]]:
    spec = {"common": dbt_common(project_dir, work),
            "ls": [[sel, ls_cmd(sel, state_dir)] for sel in selectors]}
    p = run([python, "-c", API_HELPER, json.dumps(spec)], cwd=project_dir, env=dbt_env())
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("@@ORACLE@@"):
            raw = json.loads(line[len("@@ORACLE@@"):])
            return {sel: ids_from_ls_lines(lines) for sel, lines in raw.items()}
    raise OracleError(f"dbt helper printed no result:\n{tail(p.stdout)}\n{tail(p.stderr)}")


def dbt_select(ctx: dict, project_dir: Path, work: Path) -> dict[str, list[str]]:
    sels = ["state:modified", "state:modified+"]
    if ctx["dbt_python"]:
        return dbt_ls_api(ctx["dbt_python"], project_dir, work, ctx["state"], sels)
    return dbt_ls_cli(ctx["dbt"], project_dir, work, ctx["state"], sels)


# ---------------------------------------------------------------------------------------------
# rationale
# ---------------------------------------------------------------------------------------------

def run_rationale(binary: Path, repo: Path, branch: str, compatible: bool) -> dict:
    cmd = [str(binary), "impact", "--base", "main", "--head", branch, "--format", "json"]
    if compatible:
        cmd.insert(6, "--dbt-compatible")
    p = run(cmd, cwd=repo, env=git_env(), check=False)
    if p.returncode != 0:
        raise OracleError(
            f"rationale exited {p.returncode}: {' '.join(cmd)}\n--- stderr ---\n{tail(p.stderr)}")
    try:
        data = json.loads(p.stdout)
    except json.JSONDecodeError as e:
        raise OracleError(f"rationale printed no JSON ({e}): {tail(p.stdout, 10)}") from e
    if not isinstance(data, dict):
        raise OracleError("rationale JSON is not an object")
    return data


def run_rationale_manifest(binary: Path, manifest: Path, state_dir: Path) -> dict:
    """Manifest mode: the head manifest dbt wrote against the base state, no git involved."""
    cmd = [str(binary), "impact", "--manifest", str(manifest), "--state", str(state_dir),
           "--dbt-compatible", "--format", "json"]
    p = run(cmd, cwd=manifest.parent, env=git_env(), check=False)
    if p.returncode != 0:
        raise OracleError(
            f"rationale exited {p.returncode}: {' '.join(cmd)}\n--- stderr ---\n{tail(p.stderr)}")
    try:
        data = json.loads(p.stdout)
    except json.JSONDecodeError as e:
        raise OracleError(f"rationale printed no JSON ({e}): {tail(p.stdout, 10)}") from e
    if not isinstance(data, dict) or data.get("source") != "manifest":
        raise OracleError(f"manifest mode did not say it answered from the manifest: "
                          f"source={data.get('source') if isinstance(data, dict) else None!r}")
    return data


def id_list(data: dict, key: str) -> list[str]:
    v = data.get(key)
    if not isinstance(v, list):
        raise OracleError(f"rationale JSON has no list {key!r}")
    return [x for x in v if isinstance(x, str)]


def only_compared_types(ids: list[str]) -> set[str]:
    """dbt was asked about models, seeds, snapshots, sources and exposures only (no tests)."""
    return {i for i in ids if i.startswith(ID_PREFIXES)}


def check_beyond(data: dict, expectations: list[tuple]) -> list[str]:
    problems = []
    for exp in expectations:
        if exp[0] == "deleted":
            if exp[1] not in id_list(data, "deleted"):
                problems.append(f"expected {exp[1]} in 'deleted', got {id_list(data, 'deleted')}")
        elif exp[0] == "reason":
            _, uid, code = exp
            nodes = [n for n in data.get("nodes", []) if isinstance(n, dict)
                     and n.get("unique_id") == uid]
            codes = sorted({r.get("code") for n in nodes for r in n.get("reasons", [])
                            if isinstance(r, dict)})
            if code not in codes:
                problems.append(f"expected reason {code!r} on {uid}, "
                                f"got {codes if nodes else 'no such node'}")
        else:
            problems.append(f"unknown expectation {exp!r}")
    return problems


# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------

@dataclass
class Result:
    name: str
    dbt: list[str] | None = None
    dbt_plus: list[str] | None = None
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    manifest_agrees: bool | None = None  # manifest mode selected exactly dbt's sets


def fmt(ids) -> str:
    return "[" + ", ".join(sorted(ids)) + "]"


def diff_line(label: str, want: set[str], got: set[str], got_name: str) -> str | None:
    if want == got:
        return None
    return (f"{label}: dbt={fmt(want)} {got_name}={fmt(got)} "
            f"(missing: {fmt(want - got)}, extra: {fmt(got - want)})")


def run_scenario(sc: dict, ctx: dict) -> Result:
    res = Result(sc["name"])
    t0 = time.monotonic()
    try:
        work = ctx["tmp"] / "scenarios" / sc["name"]
        checkout = work / "checkout"
        export_commit(ctx["repo"], branch_name(sc["name"]), checkout)
        project_dir = checkout / SUBDIR
        sets = dbt_select(ctx, project_dir, work)
        res.dbt, res.dbt_plus = sets["state:modified"], sets["state:modified+"]

        # Drift of live dbt against the answer recorded in the scenario.
        for label, live, rec in (("state:modified", res.dbt, sc.get("dbt")),
                                 ("state:modified+", res.dbt_plus, sc.get("dbt_plus"))):
            if rec is None:
                res.notes.append(f"no recorded dbt answer for {label}")
                continue
            d = diff_line(label, set(live), set(rec), "recorded")
            if d:
                msg = "DRIFT (live dbt vs recorded) " + d.replace("dbt=", "live=", 1)
                (res.failures if ctx["dbt_only"] else res.notes).append(msg)

        if ctx["dbt_only"]:
            return res

        data = run_rationale(ctx["rationale"], ctx["repo"], branch_name(sc["name"]), True)
        modified = only_compared_types(id_list(data, "modified"))
        plus = modified | only_compared_types(id_list(data, "downstream"))
        for label, want, got in (("state:modified", set(res.dbt), modified),
                                 ("state:modified+", set(res.dbt_plus), plus)):
            d = diff_line(label, want, got, "rationale")
            if d:
                res.failures.append(d)
        if data.get("deleted"):
            res.failures.append(f"--dbt-compatible output lists deleted nodes: {data['deleted']}")

        if sc.get("beyond"):
            data2 = run_rationale(ctx["rationale"], ctx["repo"], branch_name(sc["name"]), False)
            res.failures.extend("beyond-dbt: " + p for p in check_beyond(data2, sc["beyond"]))

        data3 = run_rationale_manifest(ctx["rationale"], work / "target" / "manifest.json",
                                       ctx["state"])
        modified = only_compared_types(id_list(data3, "modified"))
        plus = modified | only_compared_types(id_list(data3, "downstream"))
        diffs = [d for label, want, got in (("state:modified", set(res.dbt), modified),
                                            ("state:modified+", set(res.dbt_plus), plus))
                 if (d := diff_line(label, want, got, "manifest-mode"))]
        res.manifest_agrees = not diffs
        if diffs and sc["name"] in MANIFEST_EXCEPTIONS:
            res.notes.append("manifest mode differs (known: "
                             f"{MANIFEST_EXCEPTIONS[sc['name']]}): " + "; ".join(diffs))
        else:
            res.failures.extend("manifest mode: " + d for d in diffs)
    except OracleError as e:
        res.failures.append(str(e))
    except Exception as e:  # noqa: BLE001 - report, don't crash the whole run
        res.failures.append(f"{type(e).__name__}: {e}")
    finally:
        res.seconds = time.monotonic() - t0
    return res


def build_repo(tmp: Path, scenarios: list[dict]) -> Path:
    repo = tmp / "repo"
    repo.mkdir()
    shutil.copytree(FIXTURE, repo / SUBDIR, ignore=shutil.ignore_patterns(
        "target", "logs", "*.duckdb", "*.duckdb.wal", "__pycache__", ".user.yml"))
    (repo / "README.md").write_text("Temporary repository made by Tests/oracle/run_oracle.py\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base: jaffle_oracle fixture")
    # Branches are made one after another (one work tree); dbt and rationale then run in parallel.
    for sc in scenarios:
        git(repo, "checkout", "-q", "-b", branch_name(sc["name"]), "main")
        for op in sc["ops"]:
            apply_op(repo / SUBDIR, repo, op)
        git(repo, "add", "-A")
        if not git(repo, "status", "--porcelain").stdout.strip():
            raise OracleError(f"scenario {sc['name']}: edits changed nothing")
        git(repo, "commit", "-q", "-m", f"scenario {sc['name']}")
        git(repo, "checkout", "-q", "main")
    return repo


def describe_op(op: tuple) -> str:
    kind = op[0]
    if kind == "replace":
        return f"in `{op[1]}` replace `{op[2].strip()!r}` by `{op[3].strip()!r}`"
    if kind == "append":
        return f"append `{op[2].strip()!r}` to `{op[1]}`"
    if kind == "write":
        return f"write `{op[1]}`"
    if kind == "delete":
        return f"delete `{op[1]}`"
    if kind == "move":
        return f"`git mv {op[1]} {op[2]}`"
    return repr(op)


def write_expected(path: Path, results: list[Result], scenarios: dict[str, dict]) -> None:
    lines = [
        "# dbt's answers for the oracle scenarios",
        "",
        "Generated by `python3 Tests/oracle/run_oracle.py --dbt-only --write-expected "
        "Tests/oracle/EXPECTED_DBT.md` (dbt-core 1.11.16, dbt-duckdb 1.11.1). Fixture:",
        "`Tests/oracle/project` (project `jaffle_oracle`, placed under `dbt/` in the test repo).",
        "Command: `dbt ls --resource-type model seed snapshot source exposure --select "
        "state:modified[+] --state <base manifest>`. Tests are not compared.",
        "",
        "`modified` is `state:modified`; `+ downstream` is what `state:modified+` adds on top.",
        "",
    ]
    for r in results:
        sc = scenarios[r.name]
        lines.append(f"## {r.name}")
        lines.append("")
        for op in sc["ops"]:
            lines.append("- edit: " + describe_op(op))
        if r.dbt is None:
            lines.append(f"- dbt failed: {'; '.join(r.failures)}")
        else:
            lines.append(f"- state:modified: {', '.join('`' + i + '`' for i in r.dbt) or 'nothing'}")
            extra = [i for i in r.dbt_plus if i not in r.dbt]
            lines.append(f"- state:modified+ adds: {', '.join('`' + i + '`' for i in extra) or 'nothing'}")
        for exp in sc.get("beyond", []):
            lines.append(f"- beyond dbt (rationale without --dbt-compatible): {exp[0]} {' '.join(exp[1:])}")
        lines.append("")
    path.write_text("\n".join(lines))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rationale", help="rationale binary (default $RATIONALE_BIN or "
                    ".build/release/rationale under the repository root)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("-k", action="append", default=[], metavar="NAME",
                    help="run only scenarios whose name contains NAME (repeatable)")
    ap.add_argument("--jobs", type=int, default=2, help="scenarios run in parallel (default 2)")
    ap.add_argument("--dbt-only", action="store_true",
                    help="run dbt only, print its sets, compare them with the recorded answers")
    ap.add_argument("--write-expected", metavar="PATH",
                    help="write dbt's observed answers as Markdown (e.g. Tests/oracle/EXPECTED_DBT.md)")
    ap.add_argument("--dbt-cli", action="store_true",
                    help="run `dbt ls` as two CLI processes per scenario instead of in-process")
    ap.add_argument("--list", action="store_true", help="list scenario names and exit")
    args = ap.parse_args()

    scenarios = [s for s in SCENARIOS if not args.k or any(k in s["name"] for k in args.k)]
    if args.list:
        print("\n".join(s["name"] for s in scenarios))
        return 0
    if not scenarios:
        print(f"no scenario matches {args.k}", file=sys.stderr)
        return 2
    names = [s["name"] for s in SCENARIOS]
    if len(set(names)) != len(names):
        print("duplicate scenario names", file=sys.stderr)
        return 2

    rationale = None
    if not args.dbt_only:
        rationale = Path(args.rationale or os.environ.get("RATIONALE_BIN")
                         or REPO_ROOT / ".build" / "release" / "rationale").resolve()
        if not (rationale.is_file() and os.access(rationale, os.X_OK)):
            print(f"FATAL: rationale binary not found or not executable: {rationale}\n"
                  "       build it (swift build -c release) or pass --rationale / $RATIONALE_BIN",
                  file=sys.stderr)
            return 2
    dbt = os.environ.get("DBT") or "dbt"
    dbt_path = shutil.which(dbt)
    if not dbt_path:
        print(f"FATAL: dbt executable not found: {dbt!r} (set $DBT)", file=sys.stderr)
        return 2
    if shutil.which("git") is None:
        print("FATAL: git not found", file=sys.stderr)
        return 2

    t0 = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="rationale-oracle-")).resolve()
    failed = True
    try:
        repo = build_repo(tmp, scenarios)
        state = tmp / "base-state"
        base_work = tmp / "base"
        export_commit(repo, "main", base_work / "checkout")
        dbt_parse_base(dbt_path, base_work / "checkout" / SUBDIR, base_work, state)
        py = None if args.dbt_cli else dbt_python(dbt_path)
        ctx = dict(tmp=tmp, repo=repo, state=state, dbt=dbt_path, rationale=rationale,
                   dbt_only=args.dbt_only, dbt_python=py)
        print(f"# base parsed in {time.monotonic() - t0:.1f}s; {len(scenarios)} scenarios, "
              f"{args.jobs} workers; dbt={dbt_path} "
              f"({'in-process via ' + py if py else 'CLI'})"
              + ("" if args.dbt_only else f"; rationale={rationale}"), flush=True)

        results: list[Result] = []
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = {pool.submit(run_scenario, sc, ctx): sc for sc in scenarios}
            for fut in concurrent.futures.as_completed(futures):
                r = fut.result()
                results.append(r)
                status = "FAIL" if r.failures else "PASS"
                line = f"{status} {r.name}"
                if r.failures:
                    line += ": " + "\n    ".join(r.failures)
                print(line, flush=True)
                if args.dbt_only and r.dbt is not None:
                    print(f"    dbt state:modified  = {fmt(r.dbt)}")
                    print(f"    dbt state:modified+ = {fmt(r.dbt_plus)}")
                for n in r.notes:
                    print(f"    note: {n}")
        order = {s["name"]: i for i, s in enumerate(SCENARIOS)}
        results.sort(key=lambda r: order[r.name])
        if args.write_expected:
            write_expected(Path(args.write_expected), results, {s["name"]: s for s in SCENARIOS})
            print(f"# wrote {args.write_expected}")
        n_fail = sum(1 for r in results if r.failures)
        if not args.dbt_only:
            agree = sum(1 for r in results if r.manifest_agrees)
            print(f"# manifest mode: {agree} of {len(results)} scenarios select exactly dbt's sets"
                  + (f" ({len(results) - agree} known exceptions)" if agree < len(results) and not n_fail else ""))
        print(f"# {len(results) - n_fail} passed, {n_fail} failed, {len(results)} scenarios "
              f"in {time.monotonic() - t0:.1f}s"
              + (" (dbt only: rationale not run)" if args.dbt_only else ""))
        if n_fail:
            print("# failed: " + " ".join(r.name for r in results if r.failures))
        failed = n_fail > 0
        return 1 if failed else 0
    except OracleError as e:
        print(f"FATAL: {e}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"# kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
