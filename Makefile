# The two commands a newcomer needs:
#   make run   - set up, migrate, seed the demo organisation if empty, serve on 127.0.0.1:5000
#                with the background-job worker beside it
#   make test  - set up, then ruff, mypy and the whole test suite (SQLite, and PostgreSQL if up)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
STAMP := $(VENV)/.installed
# The suite on every core (pytest-xdist), one database per worker (tests/conftest.py);
# `make test PYTEST_PARALLEL=` runs it in one process.
PYTEST_PARALLEL ?= -n auto --dist worksteal

.PHONY: run test setup lint typecheck pytest translations bench load clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP) translations

translations: $(STAMP)
	$(FLASK) i18n compile

run: setup
	scripts/system-packages.sh run
	$(FLASK) db upgrade
	$(FLASK) demo
	$(FLASK) user demo --branch ZB02  # the demo branch with open gaps (docs/demo.md)
	@$(FLASK) urls 2>/dev/null || true
	@# The job worker runs beside the server and ends with it (Ctrl-C stops both).
	$(FLASK) jobs worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: setup
	$(BIN)/pytest $(PYTEST_PARALLEL)

test: setup
	scripts/system-packages.sh test
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest $(PYTEST_PARALLEL)

# The long benchmarks and the load test: not part of `make test` (figures in docs/performance.md).
bench: setup
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/print_cards.py
	$(BIN)/python bench/import_members.py
	$(BIN)/python bench/console.py
	$(BIN)/python bench/demo.py

load: setup
	@command -v wrk >/dev/null || { echo "the load test needs wrk (apt-get install wrk)"; exit 1; }
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
