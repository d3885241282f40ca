# memory-lab: two commands, `make lab` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
ifeq ($(OS),Windows_NT)
BIN := $(VENV)/Scripts
else
BIN := $(VENV)/bin
endif
PY := $(BIN)/python
# Jupyter refuses to start as root (e.g. in a container) unless told it is on purpose.
ROOT_FLAG := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)

.PHONY: lab test screenshots notebooks bench eval clean

## lab: set up .venv if needed, then open the course in JupyterLab
lab: $(VENV)/.installed
	$(BIN)/jupyter lab notebooks $(ROOT_FLAG)

## test: set up .venv if needed, then run unit tests and every notebook, offline
## (plus tests/browser, the course in JupyterLab in headless Chromium, when Chromium is installed)
test: $(VENV)/.installed-dev
	MEMORY_LAB_OFFLINE=1 $(PY) -m pytest

## screenshots: re-take docs/chat.png, the chat of notebook 04 in JupyterLab (needs Chromium)
screenshots: $(VENV)/.installed-dev
	MEMORY_LAB_OFFLINE=1 MEMORY_LAB_UPDATE_SCREENSHOTS=1 $(PY) -m pytest tests/browser -k chat_in_notebook_04 -q

## notebooks: re-execute every notebook in place (offline) and strip volatile metadata
notebooks: $(VENV)/.installed
	MEMORY_LAB_OFFLINE=1 $(PY) scripts/run_notebooks.py notebooks/*.ipynb

## bench: print timing figures (agent steps, import time, archival search and insert, the context window)
bench: $(VENV)/.installed-dev
	MEMORY_LAB_OFFLINE=1 $(PY) scripts/bench.py
	MEMORY_LAB_OFFLINE=1 $(PY) scripts/bench_memgpt.py
	MEMORY_LAB_OFFLINE=1 $(PY) scripts/bench_context.py

## eval: the memory benchmark, offline: every agent through the default dataset, fresh
## (writes results/eval-offline.json and results/eval-offline.png; see notebook 13)
eval: $(VENV)/.installed
	MEMORY_LAB_OFFLINE=1 $(PY) -m helpers.evaluation --out results/eval-offline.json --fresh --jobs 2

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "memory-lab needs Python 3.10 or newer; found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)

# Reinstall only when a requirements file changed (the stamp is older than it).
$(VENV)/.installed: requirements.txt pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
