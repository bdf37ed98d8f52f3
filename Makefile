# Birge: `make run` serves the app on http://127.0.0.1:5000 (`make run PORT=8080 HOST=0.0.0.0`
# for another address); `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app:create_app
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run serve test install install-test system-test-deps translations db clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

translations: install
	$(BIN)/pybabel compile --use-fuzzy -d app/translations

db: install translations
	$(BIN)/flask db upgrade
	$(BIN)/flask seed
	$(BIN)/flask demo --if-empty
	@# A database from before search (or restored from a backup) gets its index rebuilt.
	@$(BIN)/flask search check >/dev/null 2>&1 || $(BIN)/flask search reindex

# The worker (search alerts) runs beside the web server and stops with it. Links in mail follow
# the address served, unless PUBLIC_URL is set.
HOST ?= 127.0.0.1
PORT ?= 5000
run: db
	export PUBLIC_URL="$${PUBLIC_URL:-http://$(HOST):$(PORT)}"; \
	$(BIN)/flask worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# The production shape on one machine (docs/deployment.md): gunicorn and `flask worker`s,
# configured from the environment only (BIRGE_CONFIG=production needs SECRET_KEY).
serve: install translations
	$(BIN)/python bin/serve-production

# Debian's chromium for the browser tests and PostgreSQL for the throwaway test cluster.
system-test-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "Installing PostgreSQL for the throwaway test cluster"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

test: install-test translations system-test-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
