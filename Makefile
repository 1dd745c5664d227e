# Sourcelight: the two commands of the README are `make app` and `make test`.
# Each creates .venv on first use (Python 3.11) and reinstalls when a lock file changes.
# requirements.txt / requirements-dev.txt are locks (every transitive dependency pinned), compiled
# by pip-tools from requirements.in / requirements-dev.in: `make lock` after changing an input.
PYTHON ?= python3.11
VENV ?= .venv
PORT ?= 8501
ADDRESS ?= 127.0.0.1
export HF_HUB_OFFLINE = 1
export RAY_USAGE_STATS_ENABLED = 0
PIP_COMPILE_FLAGS = -q --strip-extras --no-emit-index-url --no-emit-find-links --allow-unsafe

$(VENV)/.runtime: requirements.txt
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

.PHONY: app test lint lock lock-check
app: $(VENV)/.runtime  ## install, then start the app on the bundled seeds (PORT=8501 ADDRESS=127.0.0.1)
	$(VENV)/bin/streamlit run dashboard/server.py --server.port $(PORT) --server.address $(ADDRESS)

test: $(VENV)/.dev  ## install, then run every test (slow and browser ones included)
	$(VENV)/bin/python -m pytest -q -rs

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check components dashboard tests bench scripts

lock: $(VENV)/.dev  ## recompile both locks from the .in files (pip-tools)
	$(VENV)/bin/pip-compile $(PIP_COMPILE_FLAGS) -o requirements.txt requirements.in
	$(VENV)/bin/pip-compile $(PIP_COMPILE_FLAGS) -o requirements-dev.txt requirements-dev.in
	# The CPU build on disk is 2.13.0+cpu; lock the public version so PyPI-only machines resolve it too.
	sed -i 's/^torch==\(.*\)+cpu$$/torch==\1/' requirements.txt requirements-dev.txt

lock-check: $(VENV)/.dev  ## the locks still satisfy the inputs, and the venv holds exactly the dev lock
	$(VENV)/bin/python scripts/check_lock.py --installed
	$(VENV)/bin/pip check
