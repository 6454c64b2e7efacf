# rationale — build, demo, tests, oracle and benchmark.
#   make demo    build and run the main job on the embedded sample project
#   make test    unit and end-to-end tests, the dbt oracle, the pre-commit test and ci-lint
#   make oracle  only the oracle: rationale impact against dbt-core 1.11 itself
#   make precommit  only .pre-commit-hooks.yaml driven by the real pre-commit (from PyPI)
#   make ci-lint  only the CI templates in ci/: schemas (check-jsonschema) and zizmor, offline
#   make bench   the lineage benchmark (on demand; prints figures and ratios)
#   make bench-manifest  manifest mode against Python's json on a ~100 MB manifest (on demand)
#   make bench-context-manifest BENCH_ARGS="--manifest PATH"  context packs vs dbt-mp --offline

SWIFT ?= swift
PYTHON ?= python3
ORACLE_VENV ?= .build/oracle-venv
DBT_PIN ?= dbt-core==1.11.*
DBT_DUCKDB_PIN ?= dbt-duckdb==1.11.*
TOKENS_VENV ?= .build/tokens-venv
TOKENIZER_WHEEL ?= anthropic==0.34.2
PRECOMMIT_VENV ?= .build/precommit-venv
PRECOMMIT_PIN ?= pre-commit==4.*
CI_LINT_VENV ?= .build/ci-lint-venv
CHECK_JSONSCHEMA_PIN ?= check-jsonschema==0.*
# zizmor adds audits in minor releases; a new one must not turn CI red without a change here.
ZIZMOR_PIN ?= zizmor==1.32.*
DBTMP_VENV ?= .build/dbtmp-venv
DBTMP_PIN ?= dbt-mp==0.3.*
# The release binary links the Swift runtime statically: a hook starts in ~8 ms instead of ~14 ms
# (fewer shared libraries to resolve), and the binary needs no Swift install beside it.
RELEASE_FLAGS ?= -Xswiftc -static-stdlib
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build release demo test unit oracle oracle-venv precommit precommit-venv ci-lint ci-lint-venv tokens tokens-venv bench bench-manifest bench-context-manifest dbtmp-venv clean

deps:
	@if ! pkg-config --exists libgit2 2>/dev/null; then \
	  echo "installing libgit2-dev and pkg-config (apt-get)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libgit2-dev pkg-config; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release $(RELEASE_FLAGS)

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

precommit-venv:
	@if [ ! -x $(PRECOMMIT_VENV)/bin/pre-commit ]; then \
	  echo "installing $(PRECOMMIT_PIN) into $(PRECOMMIT_VENV)"; \
	  $(PYTHON) -m venv $(PRECOMMIT_VENV) && \
	  $(PRECOMMIT_VENV)/bin/pip install -q "$(PRECOMMIT_PIN)"; \
	fi

precommit: release precommit-venv
	PRE_COMMIT=$(abspath $(PRECOMMIT_VENV))/bin/pre-commit RATIONALE_BIN=$(CURDIR)/.build/release/rationale $(PYTHON) Tests/precommit/run_precommit.py

ci-lint-venv:
	@if [ ! -x $(CI_LINT_VENV)/bin/check-jsonschema ] || [ ! -x $(CI_LINT_VENV)/bin/zizmor ]; then \
	  echo "installing $(CHECK_JSONSCHEMA_PIN) and $(ZIZMOR_PIN) into $(CI_LINT_VENV)"; \
	  $(PYTHON) -m venv $(CI_LINT_VENV) && \
	  $(CI_LINT_VENV)/bin/pip install -q "$(CHECK_JSONSCHEMA_PIN)" "$(ZIZMOR_PIN)"; \
	fi

ci-lint: ci-lint-venv
	CHECK_JSONSCHEMA=$(abspath $(CI_LINT_VENV))/bin/check-jsonschema ZIZMOR=$(abspath $(CI_LINT_VENV))/bin/zizmor $(PYTHON) Tests/ci/lint_ci.py


# The reference tokenizer: `tokenizers` reads the BPE tokenizer.json that the anthropic 0.34 wheel
# carries (taken out of the wheel, nothing installed from it, nothing downloaded at run time).
tokens-venv:
	@if [ ! -f $(TOKENS_VENV)/tokenizer.json ]; then \
	  echo "installing tokenizers and the reference tokenizer.json into $(TOKENS_VENV)"; \
	  $(PYTHON) -m venv $(TOKENS_VENV) && \
	  $(TOKENS_VENV)/bin/pip install -q tokenizers && \
	  $(TOKENS_VENV)/bin/pip download -q --no-deps -d $(TOKENS_VENV)/wheels "$(TOKENIZER_WHEEL)" && \
	  $(TOKENS_VENV)/bin/python -c "import glob, zipfile; zipfile.ZipFile(glob.glob('$(TOKENS_VENV)/wheels/*.whl')[0]).extract('anthropic/tokenizer.json', '$(TOKENS_VENV)')" && \
	  mv $(TOKENS_VENV)/anthropic/tokenizer.json $(TOKENS_VENV)/tokenizer.json; \
	fi

tokens: release tokens-venv
	TOKENIZER_JSON=$(abspath $(TOKENS_VENV))/tokenizer.json RATIONALE_BIN=$(CURDIR)/.build/release/rationale $(abspath $(TOKENS_VENV))/bin/python Tests/tokens/check_estimate.py

test: unit oracle precommit ci-lint tokens

bench: release oracle-venv
	RATIONALE_BIN=$(CURDIR)/.build/release/rationale DBT=$(abspath $(ORACLE_VENV))/bin/dbt $(PYTHON) bench/run.py $(BENCH_ARGS)

bench-manifest: release oracle-venv
	RATIONALE_BIN=$(CURDIR)/.build/release/rationale DBT=$(abspath $(ORACLE_VENV))/bin/dbt $(PYTHON) bench/manifest.py $(BENCH_ARGS)

dbtmp-venv:
	@if [ ! -x $(DBTMP_VENV)/bin/dbt-mp ]; then \
	  echo "installing $(DBTMP_PIN) into $(DBTMP_VENV)"; \
	  $(PYTHON) -m venv $(DBTMP_VENV) && \
	  $(DBTMP_VENV)/bin/pip install -q "$(DBTMP_PIN)"; \
	fi

bench-context-manifest: release dbtmp-venv
	RATIONALE_BIN=$(CURDIR)/.build/release/rationale DBT_MP=$(abspath $(DBTMP_VENV))/bin/dbt-mp $(PYTHON) bench/context_manifest.py $(BENCH_ARGS)

clean:
	rm -rf .build
