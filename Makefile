# TimeLive: `make run` serves it, `make test` tests it. Nothing else is needed first.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.dev-installed
ENTRIES ?= 1000000
# One test worker per core (pytest-xdist); PYTEST_ARGS="-k name" for a part, "-n 0" for one process.
PYTEST_ARGS ?= -n auto

.PHONY: run test test-fast bench lint install clean

$(PY):
	@py=$$(scripts/find-python) && echo "Creating $(VENV) with $$py" && $$py -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip

$(STAMP): requirements/base.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements/base.txt
	@touch $@

$(DEV_STAMP): requirements/dev.txt $(STAMP)
	$(PY) -m pip install --quiet -r requirements/base.txt -r requirements/dev.txt
	@touch $@

install: $(STAMP)

# prepare_run migrates, collects static files and seeds the demo only when needed, so a second run starts at once.
run: $(STAMP)
	$(PY) manage.py prepare_run
	scripts/serve

test: $(DEV_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# The edit-test loop: everything but the browser tests and the schema fuzzer (make test runs all).
test-fast: $(DEV_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS) -m "not browser and not fuzz"

# Seeds its own fresh database (SQLite under var/bench/, or a new database on the PostgreSQL
# server DATABASE_URL names, dropped afterwards) and prints one JSON object last (bench/README.md).
bench: $(DEV_STAMP)
	$(PY) bench/run.py --entries $(ENTRIES) --database-url "$(DATABASE_URL)"

# ruff over everything; mypy (with django-stubs) over the apps listed in pyproject.toml's [tool.mypy];
# import-linter over the apps' layers ([tool.importlinter]).
lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) var/static
