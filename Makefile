# The targets a newcomer expects: run, test, lint, bench.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export JOBAID_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: venv run test lint format bench load clean ha ha-down test-ha

# Re-install whenever pyproject.toml changes.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

.venv venv: $(STAMP)

# No built-in password: the first admin token is made on the command line.
run: $(STAMP)
	@echo "First token: $(BIN)/jobaid token create --role admin --division 430000"
	@echo "  (prints the token; send it as 'Authorization: Bearer <token>'; docs at http://127.0.0.1:8000/docs)"
	@echo "  then sign in to the console with it at http://127.0.0.1:8000/console"
	$(BIN)/jobaid serve

test: $(STAMP)
	scripts/system-packages browser
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python -m bench

# Load and soak: mixed HTTP traffic against jobaid serve on PostgreSQL, then invariants.
LOAD_SECONDS ?= 600
load: $(STAMP)
	LOAD_SECONDS=$(LOAD_SECONDS) BENCH_POSTGRES_URL=$${BENCH_POSTGRES_URL:-$(JOBAID_TEST_POSTGRES_URL)} $(BIN)/python -m bench.load

# High availability (issue 15): three PostgreSQL nodes under Patroni on this machine (ha/cluster.py;
# apt-get install patroni python3-pysyncobj), `jobaid serve` on their multi-host URL.
# JOBAID_HA_DIR (default /tmp/jobaid-ha) holds the nodes; `make ha-down` stops them and removes it.
ha: $(STAMP)
	scripts/system-packages ha
	$(BIN)/python -m ha.cluster up
	@echo "First token: JOBAID_DATABASE_URL='$$($(BIN)/python -m ha.cluster url)' $(BIN)/jobaid token create --role admin --division 430000"
	JOBAID_DATABASE_URL="$$($(BIN)/python -m ha.cluster url)" $(BIN)/jobaid serve

ha-down:
	$(PYTHON) -m ha.cluster down

# The cluster scenarios (tests/ha, marker `ha`): a cluster of their own, one test at a time.
test-ha: $(STAMP)
	scripts/system-packages ha
	$(BIN)/pytest tests/ha -m ha -n 0

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info bench/out
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
