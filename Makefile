# Every target sets up what it needs; `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help setup run worker test test-fast fuzz lint fmt messages bench ci clean

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

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

# axe-core for the accessibility check (tests/a11y), from npm; without npm that check is skipped.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $(NODE_STAMP); \
	else echo "npm not found: the accessibility check (tests/a11y) will be skipped"; fi

test: $(STAMP) $(NODE_STAMP) ## Set up and run the whole test suite (PostgreSQL when DATABASE_URL is set)
	$(PY) manage.py compilemessages --ignore=.venv -v0
	$(PY) manage.py prepare_certificate_fonts -v0
	$(PY) -m pytest -n auto --dist loadgroup

# The file-heavy tests again with every upload on S3 (a local moto server, tests/ops/s3.py).
# Deselected: tests that read the private folder itself (private_dir, file.path).
S3_TESTS := tests/cohorts/test_apply.py tests/cohorts/test_uploads.py tests/cohorts/test_review.py \
	tests/cohorts/test_personal_data.py tests/assessments/test_assignments.py \
	tests/assessments/test_assignment_review.py tests/trainings/test_dissemination.py \
	tests/assessments/test_issuing.py tests/assessments/test_certificate_admin.py \
	tests/assessments/test_my_certificate.py tests/assessments/test_certificate_pdf.py \
	tests/assessments/test_library_public.py tests/assessments/test_library_workflow.py \
	tests/trainings/test_workshop.py
S3_DESELECT := \
	tests/cohorts/test_uploads.py::test_private_files_are_not_under_the_public_media_url \
	tests/cohorts/test_uploads.py::test_a_raw_name_with_a_path_is_never_used_on_disk \
	tests/cohorts/test_personal_data.py::test_retention_deletes_unsuccessful_applicants_files_once \
	tests/cohorts/test_personal_data.py::test_erasure_keeps_the_figures_and_the_certificate_verifies \
	tests/assessments/test_assignments.py::test_two_versions_are_numbered_hashed_and_receipted \
	tests/trainings/test_dissemination.py::test_participant_submits_a_report_with_evidence \
	tests/assessments/test_certificate_admin.py::test_logo_and_signature_uploads_are_checked_and_kept_private

fuzz: $(STAMP) ## The hostile-input property tests with the long profile (400 examples per form)
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -p no:cacheprovider -n 2 tests/security/test_hostile_input.py

.PHONY: test-s3
test-s3: $(STAMP) ## The file-heavy tests with MEDIA_STORAGE=s3 on a local moto server
	$(PY) manage.py compilemessages --ignore=.venv -v0
	$(PY) manage.py prepare_certificate_fonts -v0
	$(PY) -m tests.ops.s3 -- $(PY) -m pytest -n auto --dist loadgroup -m "not browser" \
		$(S3_TESTS) $(addprefix --deselect ,$(S3_DESELECT))

lint: $(STAMP) ## ruff, migrations check, template check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

fmt: $(STAMP) ## Format the code
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(STAMP) ## Extract translatable strings into locale/*/LC_MESSAGES/django.po
	$(PY) manage.py makemessages --all --ignore=.venv --ignore=static_collected --ignore=tests --ignore=bench --ignore=var --ignore=node_modules --no-obsolete
	$(PY) manage.py makemessages --all -d djangojs --ignore=.venv --ignore=static_collected --ignore=tests --ignore=bench --ignore=var --ignore=node_modules --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

bench: setup ## Run every benchmark in bench/ and print one table of figures and ratios
	@rm -f bench/results/*.json
	-$(PY) bench/public_pages.py
	-$(PY) bench/organizer_list.py
	-$(PY) bench/certificates.py
	-$(PY) bench/workers.py
	-$(PY) bench/deadline_rush.py
	$(PY) bench/report.py

ci: ## What CI runs (.ci/run)
	bash .ci/run

clean: ## Remove the virtual environment, the SQLite database and local media
	rm -rf $(VENV) node_modules db.sqlite3 media private-media static_collected
