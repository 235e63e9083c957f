# The two commands of the README are `make lab` and `make test`; each sets up
# .venv on first use (and again when the requirements change), then is quick.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

CHROMIUM ?= /usr/bin/chromium
# JupyterHub's proxy for tests/test_jupyterhub.py, from the npm registry (package.json, package-lock.json)
PROXY := node_modules/.bin/configurable-http-proxy

.PHONY: lab test quick bench labs clean browser binder-check release

$(STAMP): requirements.txt binder/requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "hooklab needs Python 3.11 or newer (set PYTHON=...)"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (hooklab)" >/dev/null
	touch $(STAMP)

# The whole repository is the root (lessons link to ../labs); the index opens first.
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb \
		$(if $(filter 0,$(shell id -u)),--allow-root)

test: $(STAMP) browser $(PROXY)
	$(BIN)/python -m pytest

# The inner loop while developing: everything but the slow, browser and notebook tests
# (docs/developing.md). `make test` stays the full run.
quick: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not browser and not notebooks"

# The browser tests drive Debian's Chromium; install it where we may (root with apt-get).
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Chromium for the browser tests (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "no Chromium at $(CHROMIUM): the browser tests will be skipped (Debian: sudo apt-get install chromium)"; fi; }

$(PROXY): package.json package-lock.json
	@command -v npm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Node.js and npm for JupyterHub's proxy (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	  else echo "tests/test_jupyterhub.py needs Node.js and npm (Debian: sudo apt-get install nodejs npm)"; exit 1; fi; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $(PROXY)

# Binder ignores the root files when binder/ exists: build its environment from binder/ alone, in a
# fresh virtualenv, and say its size (what every student's image carries); then add the test tools
# of the root requirements.txt on top and run every test there, so binder/ cannot drift.
BINDER_VENV := build/binder-venv
binder-check: browser $(PROXY)
	@$(PYTHON) -c 'import sys; want = open("binder/runtime.txt").read().strip(); \
	  have = f"python-{sys.version_info[0]}.{sys.version_info[1]}"; \
	  assert have == want, f"binder/runtime.txt asks for {want}, this is {have} (set PYTHON=...)"'
	rm -rf $(BINDER_VENV)
	$(PYTHON) -m venv $(BINDER_VENV)
	$(BINDER_VENV)/bin/python -m pip install --quiet -r binder/requirements.txt
	PATH="$(CURDIR)/$(BINDER_VENV)/bin:$$PATH" bash binder/postBuild
	$(BINDER_VENV)/bin/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@echo "binder/ environment (what a student's image installs): $$(du -sh $(BINDER_VENV) | cut -f1)"
	$(BINDER_VENV)/bin/python -m pip install --quiet -r requirements.txt
	@echo "with the test tools on top: $$(du -sh $(BINDER_VENV) | cut -f1)"
	PATH="$(CURDIR)/$(BINDER_VENV)/bin:$$PATH" $(BINDER_VENV)/bin/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build node_modules src/*.egg-info

# Regenerate labs/ from solutions/ (never edit labs/ by hand).
labs: $(STAMP)
	$(BIN)/python -m hooklab.course.labs

# The student release for a graded class: no solutions/, no hidden checks (docs/instructors.md).
release: $(STAMP)
	@test -n "$(OUT)" || { echo "usage: make release OUT=../hooklab-class (a new folder outside this one)"; exit 2; }
	$(BIN)/python -m hooklab.cli release "$(OUT)"
