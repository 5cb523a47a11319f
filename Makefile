# Linli — the two commands of the README are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install demo serve test test-sqlite test-postgres lint format check check-deploy bench vendor clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## install: create .venv/ with Linli and its development dependencies
install: $(STAMP)

## demo: install, migrate, build the demo county, print the logins, serve on 127.0.0.1:$(PORT)
demo: install
	$(BIN)/linli migrate --no-input
	$(BIN)/linli demo
	$(BIN)/linli serve --port $(PORT)

serve: install
	$(BIN)/linli serve --port $(PORT)

## test: lint, Django checks, and the test suite (DATABASE_URL picks the database)
test: install
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/linli check --fail-level WARNING
	$(BIN)/linli makemigrations --check --dry-run
	$(BIN)/pytest

## check-deploy: Django's deployment checks with the production settings (LINLI_DEBUG=0)
check-deploy: install
	LINLI_DEBUG=0 LINLI_ALLOWED_HOSTS=linli.example.cn \
	LINLI_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	LINLI_PII_KEY="$$($(BIN)/python -c 'import secrets,base64; print(base64.b64encode(secrets.token_bytes(32)).decode())')" \
	LINLI_PII_HASH_KEY="$$($(BIN)/python -c 'import secrets,base64; print(base64.b64encode(secrets.token_bytes(32)).decode())')" \
	$(BIN)/linli check --deploy --fail-level WARNING

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/linli} $(MAKE) test

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: install
	$(BIN)/python bench/ledger_import.py --households 100000

## vendor: copy the built front-end files from npm packages (package.json) into static/vendor/
vendor:
	npm ci --no-audit --no-fund
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/echarts/dist/echarts.min.js src/linli/static/vendor/

clean:
	rm -rf $(VENV) node_modules
