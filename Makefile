# Gonghui — `make run` serves the demo, `make test` runs the suite, `make fuzz` fuzzes the API,
# `make bench` the benchmarks.
SHELL := /bin/bash
.DEFAULT_GOAL := help

HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= 1000000
FUZZ_EXAMPLES ?= 15
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SWAGGER := gonghui/static/vendor/swagger-ui
QUILL := gonghui/static/vendor/quill
ASSETS := gonghui/static/vendor/htmx.min.js gonghui/static/vendor/leaflet/leaflet.js gonghui/static/vendor/leaflet/leaflet.js.map \
	gonghui/static/vendor/jsqr/jsQR.js \
	$(SWAGGER)/swagger-ui-bundle.js $(SWAGGER)/swagger-ui.css $(SWAGGER)/swagger-ui.css.map \
	$(QUILL)/quill.js $(QUILL)/quill.js.map $(QUILL)/quill.snow.css
# Host names `make run` answers to (any other Host header gets 400): loopback, the HOST it binds
# (the address it prints) and, bound to every address, this machine's names and IPv4 addresses.
comma := ,
MACHINE_NAMES = $(shell { hostname; hostname -f; hostname -I; } 2>/dev/null | tr ' ' '\n' | grep -v -e '^$$' -e ':' | sort -u | paste -sd, -)
RUN_HOSTS = localhost,127.0.0.1,[::1],$(HOST)$(if $(filter 0.0.0.0 ::,$(HOST)),$(if $(MACHINE_NAMES),$(comma)$(MACHINE_NAMES)))

# A Python >= 3.12: PYTHON=... if given, else the first suitable one on PATH or under pyenv.
PYTHON_CANDIDATES := $(PYTHON) python3.13 python3.12 python3 $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3) $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3) $(wildcard /usr/local/bin/python3.1[23]) $(wildcard /usr/bin/python3.1[23])
FIND_PYTHON = for c in $(PYTHON_CANDIDATES); do \
	  if command -v "$$c" >/dev/null 2>&1 && "$$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then echo "$$c"; break; fi; \
	done

.PHONY: help install run test fuzz bench lint messages clean

help:
	@echo "make run    — set up and serve the demo at http://$(HOST):$(PORT) (SQLite)"
	@echo "make test   — install and run the whole test suite"
	@echo "make fuzz   — schemathesis against every API operation (a few minutes; FUZZ_EXAMPLES=$(FUZZ_EXAMPLES))"
	@echo "make bench  — run the benchmarks (SCALE=$(SCALE))"
	@echo "make lint   — ruff"

$(PY):
	@py="$$($(FIND_PYTHON))"; \
	if [ -z "$$py" ]; then \
	  echo "error: Gonghui needs Python 3.12 or newer (Django 6). None found among: $(PYTHON_CANDIDATES)." >&2; \
	  echo "       Install python3.12 or python3.13, or run: make PYTHON=/path/to/python3.12 ..." >&2; \
	  exit 1; \
	fi; \
	echo "Using $$py ($$("$$py" --version))"; \
	"$$py" -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]" 2>&1 | grep -v "^WARNING: Location" || true
	$(PY) -c "import importlib.util as u, sys; missing = [m for m in ('django', 'ninja', 'treebeard', 'pypinyin', 'cryptography', 'psycopg', 'pytest', 'playwright', 'schemathesis') if u.find_spec(m) is None]; sys.exit('missing after install: ' + ', '.join(missing) if missing else 0)"
	touch $(STAMP)

# One recipe makes every vendored asset (a grouped target: npm runs once).
$(ASSETS) &: package.json
	@command -v npm >/dev/null 2>&1 || { echo "error: npm is needed to fetch htmx, Leaflet, Swagger UI, Quill, jsQR and axe-core (accessibility tests) from the npm registry" >&2; exit 1; }
	npm install --ignore-scripts --no-audit --no-fund --silent
	mkdir -p gonghui/static/vendor/leaflet gonghui/static/vendor/jsqr $(SWAGGER) $(QUILL)
	cp node_modules/htmx.org/dist/htmx.min.js gonghui/static/vendor/htmx.min.js
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images gonghui/static/vendor/leaflet/
	cp node_modules/jsqr/dist/jsQR.js node_modules/jsqr/LICENSE gonghui/static/vendor/jsqr/
	cd node_modules/swagger-ui-dist && cp swagger-ui-bundle.js swagger-ui.css swagger-ui.css.map LICENSE NOTICE ../../$(SWAGGER)/
	cd node_modules/quill && cp dist/quill.js dist/quill.js.map dist/quill.js.LICENSE.txt dist/quill.snow.css dist/quill.snow.css.map LICENSE ../../$(QUILL)/
	touch $(ASSETS)

install: $(STAMP) $(ASSETS)

var:
	mkdir -p var

run: export GONGHUI_DEBUG ?= false
run: export GONGHUI_ALLOWED_HOSTS ?= $(RUN_HOSTS)
run: install | var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py seed_demo
	@echo ""
	@echo "Gonghui demo: http://$(HOST):$(PORT)/   (API: http://$(HOST):$(PORT)/api/v1/openapi.json)"
	@echo ""
	$(VENV)/bin/gunicorn config.wsgi:application -c config/gunicorn.conf.py --bind $(HOST):$(PORT)

test: install
	$(PY) -m pytest -q -p no:randomly $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "error: pytest collected no tests" >&2; exit 1; fi; exit $$status

# The API under schemathesis, in process on SQLite: every operation, FUZZ_EXAMPLES generated
# requests each (fixed seed), as anonymous, an officer and the operator; fails on any 5xx or
# any answer the OpenAPI document does not describe. Not part of `make test`.
fuzz: install
	GONGHUI_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -q -s -p no:randomly -m fuzz gonghui/tests/fuzz $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "error: pytest collected no fuzz tests" >&2; exit 1; fi; exit $$status

bench: install
	$(PY) -m bench.run --scale $(SCALE) $(BENCH_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

messages: install
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore ".venv/*" --ignore "node_modules/*" --ignore "var/*" --ignore "bench/*"
	$(PY) manage.py compilemessages -l zh_Hans

clean:
	rm -rf $(VENV) node_modules gonghui/static/vendor var/static
