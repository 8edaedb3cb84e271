# bettercare: `make run` sets up and runs it; `make test` sets up and passes every test.
# Needs only Python 3.11+ and the package registries; uv is installed with pip if missing.

SHELL := /bin/bash
.PHONY: help uv setup assets kernel run test check lint format typecheck pytest bench clean
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
RUN := $(UV) run --locked


help:
	@echo "make run    - set up and run bettercare"
	@echo "make test   - set up and run every check and test"
	@echo "make check  - format check, lint and type check only"
	@echo "make bench  - run the benchmarks and print their figures"

# uv itself: installed with pip when the machine does not have it.
uv:
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m uv --version >/dev/null 2>&1 || \
		$(PYTHON) -m pip install --quiet uv

setup: uv assets kernel
	$(UV) sync --locked --all-extras --quiet
	@# Bytecode ahead of time, so no command compiles the libraries it imports on every start
	@# (compileall skips what is current; some packages ship files for other Pythons: -qq).
	@$(RUN) python -m compileall -qq -j 2 bettercare \
		"$$($(RUN) python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" || true
	@# Static files collected (and compressed) once here, not on the first `bettercare serve`.
	$(RUN) python -m bettercare.cli.serve

# The compiled kernel of bettercare.core.spc.xmr (ADR 0132): plain C99 loaded with ctypes, no
# Python headers. Optional: without a C compiler xmr() uses its Python kernel (the same charts,
# slower), and then the test that the kernel is built fails unless BETTERCARE_NO_COMPILED_KERNEL
# is set. No fused multiply-adds or reordered sums, so every line equals the batch's to the bit.
KERNEL := bettercare/core/_xmr_kernel.so
kernel: $(KERNEL)

$(KERNEL): bettercare/core/_xmr_kernel.c
	@$(CC) -O2 -ffp-contract=off -fno-fast-math -std=c99 -shared -fPIC -o $@ $< || \
		echo "No C compiler ($(CC)): xmr() will use its slower Python kernel."

# Front-end assets from their published npm packages (never copied into the repository):
# NHS.UK frontend compiled with our settings (self-hosted, no external fonts), and htmx.
BUILD := bettercare/web/static/build
NHSUK := node_modules/nhsuk-frontend/dist/nhsuk
assets: $(BUILD)/bettercare.css $(BUILD)/htmx.min.js $(BUILD)/nhsuk-frontend.min.js

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(BUILD)/bettercare.css: node_modules/.package-lock.json $(wildcard bettercare/web/assets/*.scss)
	@mkdir -p $(BUILD)
	npx sass --no-source-map --load-path=node_modules --quiet-deps --style=compressed \
		bettercare/web/assets/bettercare.scss $@

$(BUILD)/nhsuk-frontend.min.js: node_modules/.package-lock.json
	@mkdir -p $(BUILD)
	cp $(NHSUK)/nhsuk-frontend.min.js $(NHSUK)/nhsuk-frontend.min.js.map $(BUILD)/

$(BUILD)/htmx.min.js: node_modules/.package-lock.json
	@mkdir -p $(BUILD)
	cp node_modules/htmx.org/dist/htmx.min.js $(BUILD)/

# The web app on http://127.0.0.1:8000 with the demonstration region and demo logins.
run: setup
	$(RUN) bettercare serve --demo

lint: setup
	$(RUN) ruff check .

format: setup
	$(RUN) ruff format .

typecheck: setup
	$(RUN) mypy --strict bettercare

check: setup
	$(RUN) ruff format --check .
	$(RUN) ruff check .
	$(RUN) lint-imports
	$(RUN) mypy --strict bettercare

# The whole suite on SQLite; then, when BETTERCARE_DATABASE_URL names another database
# (CI sets PostgreSQL), every database test again on it.
pytest: setup
	env -u BETTERCARE_DATABASE_URL $(RUN) pytest
	@if [ -n "$$BETTERCARE_DATABASE_URL" ]; then \
		echo "Database tests on $${BETTERCARE_DATABASE_URL%%@*}@..."; \
		$(RUN) pytest -m "django_db and not browser" tests; \
	fi

test: check pytest

# The web benchmark drives the server with wrk (Debian's package), installed when missing.
bench: setup
	@command -v wrk >/dev/null 2>&1 || { \
		if [ "$$(id -u)" -eq 0 ]; then apt-get install -y --no-install-recommends wrk; \
		else sudo apt-get install -y --no-install-recommends wrk; fi; }
	$(RUN) python -m benchmarks.bench_stats
	$(RUN) python -m benchmarks.bench_spc
	$(RUN) python -m benchmarks.bench_funnel
	$(RUN) python -m benchmarks.bench_import
	@if [ -n "$$BETTERCARE_BENCH_POSTGRES" ]; then \
		$(RUN) python -m benchmarks.bench_import --database="$$BETTERCARE_BENCH_POSTGRES"; fi
	$(RUN) python -m benchmarks.bench_alerts
	$(RUN) python -m benchmarks.bench_reports
	$(RUN) python -m benchmarks.bench_demo
	$(RUN) python -m benchmarks.bench_plan
	$(RUN) python -m benchmarks.bench_pipeline
	$(RUN) python -m benchmarks.bench_demo_records
	$(RUN) python -m benchmarks.bench_risk
	@# Twenty writer processes to twenty areas on PostgreSQL: per-area data versions vs one
	@# shared row; then the queries per page.
	@if [ -n "$$BETTERCARE_BENCH_POSTGRES" ]; then \
		$(RUN) python -m benchmarks.bench_versions --database="$$BETTERCARE_BENCH_POSTGRES"; \
	else echo "bench_versions: set BETTERCARE_BENCH_POSTGRES=postgres://... to measure the writers"; fi
	$(RUN) python -m benchmarks.bench_web --seconds 10
	@# Load: the production server on PostgreSQL, 50 clients for 30 s per page (errors, p95).
	$(RUN) python -m benchmarks.bench_web --clients 50 --seconds 30 --areas 30 \
		--database $${BETTERCARE_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}

clean:
	rm -rf .venv node_modules $(BUILD) $(KERNEL) .mypy_cache .ruff_cache .pytest_cache .hypothesis
