# memory-lab: two commands, `make lab` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
ifeq ($(OS),Windows_NT)
BIN := $(VENV)/Scripts
else
BIN := $(VENV)/bin
endif
PY := $(BIN)/python
# Creates .venv and installs into it, with uv when it can, else pip; versions from requirements.lock.
SETUP := $(PYTHON) scripts/setup_venv.py
# Test workers: one per core, at most four (`make test WORKERS=0` runs in one process).
WORKERS ?= auto
# Jupyter refuses to start as root (e.g. in a container) unless told it is on purpose.
ROOT_FLAG := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)

.PHONY: lab test test-live lock screenshots notebooks bench eval clean

## lab: set up .venv if needed, then open the course in JupyterLab
lab: $(VENV)/.installed
	$(BIN)/jupyter lab notebooks $(ROOT_FLAG)

## test: set up .venv if needed, then run unit tests and every notebook, offline, on every core
## (plus tests/browser, the course in JupyterLab in headless Chromium, when Chromium is installed)
test: $(VENV)/.installed-dev
	MEMORY_LAB_OFFLINE=1 $(PY) -m pytest -n $(WORKERS) --maxprocesses 4

## test-live: run every notebook against your model (OPENAI_API_KEY or OPENAI_BASE_URL); errors fail
test-live: $(VENV)/.installed-dev
	$(PY) scripts/test_live.py

## lock: re-resolve requirements.lock after a change to requirements*.txt or pyproject.toml
## (keeps the pins that still fit; `make lock UPGRADE=1` takes the newest allowed versions)
lock:
	$(SETUP) lock $(if $(UPGRADE),--upgrade)

## screenshots: re-take docs/chat.png, the chat of notebook 04 in JupyterLab (needs Chromium)
screenshots: $(VENV)/.installed-dev
	MEMORY_LAB_OFFLINE=1 MEMORY_LAB_UPDATE_SCREENSHOTS=1 $(PY) -m pytest tests/browser -k chat_in_notebook_04 -q

## notebooks: re-execute every notebook in place (offline) and strip volatile metadata
notebooks: $(VENV)/.installed
	MEMORY_LAB_OFFLINE=1 $(PY) scripts/run_notebooks.py notebooks/*.ipynb

## bench: print timing figures (agent steps, import time, archival search and insert, the context
## window, and the set-up itself: pip against uv into fresh venvs, no cache; a couple of minutes)
bench: $(VENV)/.installed-dev
	MEMORY_LAB_OFFLINE=1 $(PY) scripts/bench.py
	MEMORY_LAB_OFFLINE=1 $(PY) scripts/bench_memgpt.py
	MEMORY_LAB_OFFLINE=1 $(PY) scripts/bench_context.py
	$(PY) scripts/bench_setup.py
	MEMORY_LAB_OFFLINE=1 $(PY) scripts/bench_store.py
	MEMORY_LAB_OFFLINE=1 $(PY) scripts/bench_documents.py

## eval: the memory benchmark, offline: every agent through the default dataset, fresh
## (writes results/eval-offline.json and results/eval-offline.png; see notebook 13)
eval: $(VENV)/.installed
	MEMORY_LAB_OFFLINE=1 $(PY) -m helpers.evaluation --out results/eval-offline.json --fresh --jobs 2

# Reinstall only when the requirements or the lock changed (the stamp is older than them).
$(VENV)/.installed: requirements.txt requirements.lock pyproject.toml
	$(SETUP) install requirements.txt
	@touch $@

# requirements-dev.txt includes requirements.txt, so this install covers `make lab` too.
$(VENV)/.installed-dev: requirements-dev.txt requirements.txt requirements.lock pyproject.toml
	$(SETUP) install requirements-dev.txt
	@touch $(VENV)/.installed $@

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
