# rationale — build, demo, tests, oracle and benchmark.
#   make demo    build and run the main job on the embedded sample project
#   make test    unit and end-to-end tests, then the dbt oracle
#   make oracle  only the oracle: rationale impact against dbt-core 1.11 itself
#   make bench   the lineage benchmark (on demand; prints figures and ratios)

SWIFT ?= swift
PYTHON ?= python3
ORACLE_VENV ?= .build/oracle-venv
DBT_PIN ?= dbt-core==1.11.*
DBT_DUCKDB_PIN ?= dbt-duckdb==1.11.*
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build release demo test unit oracle oracle-venv bench clean

deps:
	@if ! pkg-config --exists libgit2 2>/dev/null; then \
	  echo "installing libgit2-dev and pkg-config (apt-get)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libgit2-dev pkg-config; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

demo: release
	.build/release/rationale demo

unit: deps
	$(SWIFT) test

oracle-venv:
	@if [ ! -x $(ORACLE_VENV)/bin/dbt ]; then \
	  echo "installing $(DBT_PIN) and $(DBT_DUCKDB_PIN) into $(ORACLE_VENV)"; \
	  $(PYTHON) -m venv $(ORACLE_VENV) && \
	  $(ORACLE_VENV)/bin/pip install -q "$(DBT_PIN)" "$(DBT_DUCKDB_PIN)"; \
	fi

oracle: release oracle-venv
	DBT=$(abspath $(ORACLE_VENV))/bin/dbt RATIONALE_BIN=$(CURDIR)/.build/release/rationale $(PYTHON) Tests/oracle/run_oracle.py

test: unit oracle

bench: release oracle-venv
	RATIONALE_BIN=$(CURDIR)/.build/release/rationale DBT=$(abspath $(ORACLE_VENV))/bin/dbt $(PYTHON) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf .build
