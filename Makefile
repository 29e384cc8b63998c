# hocvuso — the two commands a new machine needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
LOCALES := locales
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test install install-dev catalogs pictures i18n-extract i18n-update chromium lint typecheck \
	pytest test-rollups bench bench-quick check clean

## run: create the venv, install, migrate, validate content, draw the pictures, start the bot (:8080)
run: install catalogs pictures
	$(BIN)/hocvuso db upgrade
	$(BIN)/hocvuso content check
	$(BIN)/hocvuso run

## pictures: render the lesson drawings (lessons/images/*.svg) to PNG in build/pictures/
pictures: $(VENV)/.installed
	$(BIN)/hocvuso content images

## test: install the dev tools and run ruff, import-linter, mypy and pytest (SQLite + PostgreSQL + Chromium)
test: install-dev catalogs chromium lint typecheck pytest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip setuptools wheel

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(PIP) install -e ".[dev]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## catalogs: compile the gettext catalogs (locales/*/LC_MESSAGES/messages.mo)
catalogs: $(VENV)/.installed
	$(BIN)/pybabel compile -d $(LOCALES) -D messages

## i18n-extract / i18n-update: refresh messages.pot from the code, then merge into vi and en
i18n-extract: $(VENV)/.installed
	$(BIN)/pybabel extract -F .ci/babel.cfg -k N_ --no-location --sort-output \
		--project hocvuso --copyright-holder "hocvuso contributors" \
		-o $(LOCALES)/messages.pot .
i18n-update: i18n-extract
	$(BIN)/pybabel update -i $(LOCALES)/messages.pot -d $(LOCALES) -D messages --ignore-obsolete

## chromium: Debian's Chromium for the browser tests, installed when missing
chromium:
	@if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s fonts-noto-color-emoji >/dev/null 2>&1; then \
		echo "installing Debian's chromium for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-core fonts-noto-color-emoji >/dev/null; \
	fi

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install-dev
	$(BIN)/mypy

pytest: install-dev catalogs chromium
	$(BIN)/pytest -q

## test-rollups: the rollups against the log after 10,000 random events, on both databases
test-rollups: install-dev
	ROLLUP_EVENTS=10000 $(BIN)/pytest -q tests/reports/test_rollups.py

## bench: every benchmark at full size; figures in bench/results/latest.json, table in README
bench: install-dev
	$(BIN)/python bench/run.py --readme

## bench-quick: the same at small sizes (under 3 minutes)
bench-quick: install-dev
	$(BIN)/python bench/run.py --quick

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .import_linter_cache
	find $(LOCALES) -name '*.mo' -delete
