# Every target sets up what it needs; `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help setup run worker test test-fast lint fmt messages bench ci clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP) ## Create the virtual environment, install, compile translations, migrate
	$(PY) manage.py compilemessages --ignore=.venv -v0
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py prepare_certificate_fonts -v0

run: setup ## Set up, load the demo and serve on http://127.0.0.1:8000 with the task worker
	$(PY) manage.py load_demo
	@echo "Starting the task worker and the site on http://$(HOST):$(PORT)/ (Ctrl+C stops both)"
	@trap 'kill 0' EXIT INT TERM; \
	$(PY) manage.py db_worker & \
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: setup ## Run only the background task worker
	$(PY) manage.py db_worker

test: $(STAMP) ## Set up and run the whole test suite (PostgreSQL when DATABASE_URL is set)
	$(PY) manage.py compilemessages --ignore=.venv -v0
	$(PY) manage.py prepare_certificate_fonts -v0
	$(PY) -m pytest -n auto --dist loadgroup

lint: $(STAMP) ## ruff, migrations check, template check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

fmt: $(STAMP) ## Format the code
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(STAMP) ## Extract translatable strings into locale/*/LC_MESSAGES/django.po
	$(PY) manage.py makemessages --all --ignore=.venv --ignore=static_collected --ignore=tests --ignore=bench --ignore=var --no-obsolete
	$(PY) manage.py makemessages --all -d djangojs --ignore=.venv --ignore=static_collected --ignore=tests --ignore=bench --ignore=var --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

bench: setup ## Run the benchmarks in bench/ and print their figures and ratios
	$(PY) bench/public_pages.py
	$(PY) bench/organizer_list.py
	$(PY) bench/deadline_rush.py
	$(PY) bench/certificates.py

ci: ## What CI runs (.ci/run)
	bash .ci/run

clean: ## Remove the virtual environment, the SQLite database and local media
	rm -rf $(VENV) db.sqlite3 media private-media static_collected
