# GenMig website. `make run` serves the site locally; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test check-python clean

check-python:
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 10) else f"GenMig needs Python 3.10 or newer, but $(PYTHON) is Python {v.major}.{v.minor}: run make PYTHON=python3.12 (or another 3.10+ interpreter).")'

$(VENV)/.installed: pyproject.toml | check-python
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

var:
	mkdir -p var

# Development server: DEBUG on, SQLite under var/, email printed on the console.
run: export DJANGO_DEBUG ?= 1
run: $(VENV)/.installed | var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py runserver 127.0.0.1:8000

# Tests run with production settings (DEBUG off) and throwaway credentials.
test: export DJANGO_SECRET_KEY ?= insecure-key-for-tests-only
test: export DJANGO_ALLOWED_HOSTS ?= localhost,127.0.0.1,testserver
test: $(VENV)/.installed-dev | var
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/pytest

clean:
	rm -rf $(VENV) var/static
