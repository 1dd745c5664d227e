# Sourcelight: the two commands of the README are `make app` and `make test`.
# Each creates .venv on first use (Python 3.11) and reinstalls when a requirements file changes.
PYTHON ?= python3.11
VENV ?= .venv
export HF_HUB_OFFLINE = 1

$(VENV)/.runtime: requirements.txt
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

.PHONY: app test lint
app: $(VENV)/.runtime  ## install, then start the app on the bundled seeds
	$(VENV)/bin/streamlit run dashboard/app.py

test: $(VENV)/.dev  ## install, then run every test (slow and browser ones included)
	$(VENV)/bin/python -m pytest -q -rs

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check components dashboard tests bench scripts
