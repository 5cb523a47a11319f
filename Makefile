# Linli — the two commands of the README are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

LOCK := requirements/dev.lock

.PHONY: install lock demo serve test test-sqlite test-postgres lint format check check-deploy bench vendor clean

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

## install: create .venv/ with Linli and its development dependencies, pinned by the lock file
install: $(STAMP)

## lock: re-resolve requirements/*.lock (with hashes) from pyproject.toml after changing a dependency
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	  pyproject.toml -o requirements/base.lock
	$(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	  --extra dev pyproject.toml -o requirements/dev.lock

## demo: install, migrate, build the demo county, print the logins, serve on 127.0.0.1:$(PORT)
demo: install
	$(BIN)/linli migrate --no-input
	$(BIN)/linli demo --url http://127.0.0.1:$(PORT)/
	$(BIN)/linli serve --port $(PORT)

serve: install
	$(BIN)/linli serve --port $(PORT)

## test: lint, Django checks, and the test suite (DATABASE_URL picks the database)
test: lint check
	$(BIN)/pytest

## lint: ruff (format and rules, complexity included), the import layers (import-linter), mypy
lint: install
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

## check: Django's system checks and no model change without its migration
check: install
	$(BIN)/linli check --fail-level WARNING
	$(BIN)/linli makemigrations --check --dry-run

## test-sqlite: the suite on the embedded SQLite database, whatever DATABASE_URL says
test-sqlite:
	env -u DATABASE_URL $(MAKE) test

## check-deploy: Django's deployment checks with the production settings (LINLI_DEBUG=0)
check-deploy: install
	LINLI_DEBUG=0 LINLI_ALLOWED_HOSTS=linli.example.cn \
	LINLI_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	LINLI_PII_KEY="$$($(BIN)/python -c 'import secrets,base64; print(base64.b64encode(secrets.token_bytes(32)).decode())')" \
	LINLI_PII_HASH_KEY="$$($(BIN)/python -c 'import secrets,base64; print(base64.b64encode(secrets.token_bytes(32)).decode())')" \
	$(BIN)/linli check --deploy --fail-level WARNING

## test-postgres: the suite on PostgreSQL (DATABASE_URL, or the local linli database)
test-postgres:
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/linli} $(MAKE) test

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

## bench: every benchmark under bench/ at its documented size; each ends with `ratio: N`
bench: install
	$(BIN)/python bench/ledger_import.py --households 100000
	$(BIN)/python bench/grid_plan.py --households 1000000
	$(BIN)/python bench/fees.py --households 1000000
	$(BIN)/python bench/cases_load.py --sqlite

## vendor: copy the built front-end files from npm packages (package.json) into static/vendor/
vendor:
	npm ci --no-audit --no-fund
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/echarts/dist/echarts.min.js src/linli/static/vendor/

clean:
	rm -rf $(VENV) node_modules
