# GenMig website. `make run` serves the site locally; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test serve front bench backup restore check-python clean

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
test: export EMAIL_URL ?= memorymail://
test: $(VENV)/.installed-dev var/static/staticfiles.json
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

# The collected static files, as production serves them (hashed names, compressed copies),
# collected again only when a file under static/ or the installed packages change, so that two
# test runs at once (SQLite and PostgreSQL, .ci/run) never rewrite them under each other.
var/static/staticfiles.json: $(shell find static -type f) $(VENV)/.installed | var
	$(PY) manage.py collectstatic --noinput --verbosity 0

# The production stack on this machine: collectstatic, migrate, then gunicorn with DEBUG off
# at http://127.0.0.1:8000 (genmig/gunicorn.conf.py). Plain HTTP, so no redirect to HTTPS and
# no Secure-only cookies unless set. Without DJANGO_SECRET_KEY a throwaway key is made up for
# the run (sessions end with it); without EMAIL_URL no email is sent (the log notes each one,
# without its content); a deployment sets every variable .env.example lists.
serve: $(VENV)/.installed | var
	@if [ -z "$${DJANGO_SECRET_KEY:-}" ]; then echo "make serve: warning: DJANGO_SECRET_KEY is not set; using a throwaway key for this run only."; fi
	@if [ -z "$${DJANGO_ALLOWED_HOSTS:-}" ]; then echo "make serve: warning: DJANGO_ALLOWED_HOSTS is not set; answering on localhost and 127.0.0.1 only."; fi
	@if [ -z "$${EMAIL_URL:-}" ]; then echo "make serve: WARNING: EMAIL_URL is not set: NO EMAIL WILL BE SENT. Enquiry notifications are only noted in the log (without their content) and marked sent. Set EMAIL_URL to a mail server for anything but a trial."; fi
	@export DJANGO_DEBUG=0 \
	  DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
	  DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-localhost,127.0.0.1}" \
	  EMAIL_URL="$${EMAIL_URL:-consolemail://}" \
	  DJANGO_SECURE_SSL_REDIRECT="$${DJANGO_SECURE_SSL_REDIRECT:-0}" \
	  DJANGO_SECURE_COOKIES="$${DJANGO_SECURE_COOKIES:-0}" \
	  && $(PY) manage.py collectstatic --noinput --verbosity 0 \
	  && $(PY) manage.py migrate --noinput \
	  && exec $(VENV)/bin/gunicorn -c genmig/gunicorn.conf.py

# The production topology on this machine: nginx with deploy/nginx/ (a self-signed certificate
# for localhost) on https://localhost:$(FRONT_HTTPS_PORT) and http://localhost:$(FRONT_HTTP_PORT),
# in front of two gunicorn instances sharing the database and a Redis (started when none
# answers). Ctrl-C stops all of it. Installs nginx and its Brotli modules with apt-get when
# they are missing (as root).
FRONT_HTTPS_PORT ?= 8443
FRONT_HTTP_PORT ?= 8080
FRONT_PACKAGES := nginx libnginx-mod-http-brotli-filter libnginx-mod-http-brotli-static redis-server
front: $(VENV)/.installed | var
	@if ! command -v nginx >/dev/null || ! command -v redis-server >/dev/null \
	    || [ ! -e /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so ] \
	    || [ ! -e /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "make front: installing $(FRONT_PACKAGES)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(FRONT_PACKAGES) >/dev/null || exit 1; \
	  else \
	    echo "make front needs $(FRONT_PACKAGES): sudo apt-get install $(FRONT_PACKAGES)"; exit 1; \
	  fi; \
	fi
	FRONT_HTTPS_PORT=$(FRONT_HTTPS_PORT) FRONT_HTTP_PORT=$(FRONT_HTTP_PORT) $(PY) deploy/nginx/local.py

# Load the production stack with wrk and print the figures (bench/run.py), gunicorn alone and
# through the front. Not part of make test. Installs wrk, redis-server, nginx and its Brotli
# modules with apt-get when they are missing (as root).
bench: $(VENV)/.installed | var
	@for tool in wrk redis-server nginx libnginx-mod-http-brotli-filter libnginx-mod-http-brotli-static; do \
	  case $$tool in \
	    libnginx-mod-http-brotli-*) [ -e /usr/lib/nginx/modules/ngx_http_brotli_$${tool#libnginx-mod-http-brotli-}_module.so ] && continue;; \
	    *) command -v $$tool >/dev/null && continue;; \
	  esac; \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "make bench: installing $$tool"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$tool >/dev/null || exit 1; \
	  else \
	    echo "make bench needs $$tool, which is not installed: sudo apt-get install $$tool"; exit 1; \
	  fi; \
	done
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var/static

# A backup archive under BACKUP_DIR (var/backups unless set); its path is the last line.
backup: $(VENV)/.installed | var
	$(PY) manage.py backup

# Restore an archive into an empty database and MEDIA_ROOT: make restore FROM=var/backups/genmig-….tar
restore: $(VENV)/.installed | var
	@if [ -z "$(FROM)" ]; then echo "make restore needs FROM=path/to/archive.tar"; exit 2; fi
	$(PY) manage.py restore "$(FROM)" --noinput
