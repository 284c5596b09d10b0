# Two commands for a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# The suite runs on every core, up to four workers (pytest-xdist); PYTEST_ARGS= runs it
# in one process (for a debugger, or -x).
PYTEST_ARGS ?= -n auto --maxprocesses 4
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet
export COMPLIANCE_ENV ?= development

.PHONY: run test install install-dev translations messages migrate lint clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 is needed, found " + sys.version.split()[0]) if sys.version_info[:2] != (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install -e '.[dev,prod]'
	touch $@

install: $(VENV)/.installed translations
install-dev: $(VENV)/.installed-dev translations

# The .po catalogues are committed; the .mo files are compiled here, never committed.
translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d compliance/translations 2>&1 | grep -v "^compiling" || true
	@test -f compliance/translations/fr/LC_MESSAGES/messages.mo

# After changing texts in code or templates: extract, then translate the .po files.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		-o compliance/translations/messages.pot .
	$(BIN)/pybabel update -N --no-wrap -i compliance/translations/messages.pot -d compliance/translations

migrate: install
	$(BIN)/compliance db upgrade

# The day's reminder pass runs before serving, so the demo's notices are there at once
# (each reminder goes out once: a second `make run` the same day sends nothing again;
# without SMTP_HOST the digests are written to instance/outbox/).
run: install migrate
	$(BIN)/compliance manual import checklists/mdr-cmd
	$(BIN)/compliance demo --if-empty
	$(BIN)/compliance reminders send
	@echo "Serving on http://127.0.0.1:5000 (Ctrl+C to stop)"
	$(BIN)/compliance run --host 127.0.0.1 --port 5000

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The wheel for production: templates, static files, migrations, the manual and the
# compiled catalogues inside (setup.py). README.md, "In production", installs it.
.PHONY: wheel
wheel: $(BIN)/python
	$(PIP) wheel --no-deps --wheel-dir dist .

lint: install-dev
	$(BIN)/ruff check compliance tests bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
