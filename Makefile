# Gridline — the two commands in the README are `make run` and `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.gridline-installed
# The feed's hot path compiled with mypyc (dispatch/compiled.py); rebuilt when dispatch/ changes.
COMPILED := build/compiled/manifest.json
ARGS   ?=

.PHONY: run test setup compile lint bench screenshot translations clean

run: $(STAMP) $(COMPILED)
	$(PY) main.py $(ARGS)

test: $(STAMP) $(COMPILED)
	$(MAKE) --no-print-directory lint
	$(PY) -m pytest $(ARGS)

setup: $(STAMP)

$(STAMP): pyproject.toml tools/setup.sh
	bash tools/setup.sh "$(VENV)"
	touch $(STAMP)

compile: $(COMPILED)

# A failed build is not fatal: the modules then run as Python (tools/compile.py says why).
$(COMPILED): $(STAMP) $(shell find dispatch -name '*.py')
	$(PY) -m tools.compile || echo "compile failed: the feed modules run as Python"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy dispatch

bench: $(STAMP) $(COMPILED)
	$(PY) -m bench.run $(ARGS)

screenshot: $(STAMP) $(COMPILED)
	xvfb-run -a -s "-screen 0 1920x1080x24" $(PY) main.py --screenshot docs/screenshot.png $(ARGS)

translations: $(STAMP)
	$(PY) -m tools.translations update

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
