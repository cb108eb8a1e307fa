# Pod Playground developer commands.  `make help` lists them.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
CHROMIUM := /usr/bin/chromium

.DEFAULT_GOAL := help
.PHONY: help venv run test lint check-chromium

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

venv: $(VENV)/.installed ## create .venv if missing and install the project with test extras

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -e '.[test,postgres]'
	touch $@

run: venv ## migrate, then serve on http://127.0.0.1:8000 (Daphne via runserver)
	$(PY) manage.py migrate
	$(PY) manage.py runserver 127.0.0.1:8000

check-chromium: ## browser tests need Debian's Chromium (never `playwright install`)
	@if [ -x $(CHROMIUM) ]; then \
		echo "Chromium: $(CHROMIUM)"; \
	elif [ "$${CI:-}" = "true" ]; then \
		echo "ERROR: $(CHROMIUM) is missing (apt-get install -y chromium)" >&2; exit 1; \
	else \
		echo "WARNING: $(CHROMIUM) is missing; browser tests will be SKIPPED." \
			"Install it with: apt-get install -y chromium" >&2; \
	fi

# Two pytest runs: pytest-playwright's session event loop breaks the
# pytest-asyncio tests if both share one process.
test: venv check-chromium ## lint, type-check, unit/integration tests, the page's JS tests, then browser tests
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m mypy
	node --test tests/js/
	$(PY) -m pytest tests --ignore=tests/e2e -q
	$(PY) -m pytest tests/e2e -q

lint: venv ## ruff (lint and format) and mypy (strict on cluster_sim; playground through django-stubs)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m mypy
