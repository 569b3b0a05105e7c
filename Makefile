# Gridline — the two commands in the README are `make run` and `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.gridline-installed
ARGS   ?=

.PHONY: run test setup lint bench screenshot translations clean

run: $(STAMP)
	$(PY) main.py $(ARGS)

test: $(STAMP)
	$(MAKE) --no-print-directory lint
	$(PY) -m pytest $(ARGS)

setup: $(STAMP)

$(STAMP): pyproject.toml tools/setup.sh
	bash tools/setup.sh "$(VENV)"
	touch $(STAMP)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy dispatch console widgets maps tools tests bench

bench: $(STAMP)
	$(PY) -m bench.run $(ARGS)

screenshot: $(STAMP)
	xvfb-run -a -s "-screen 0 1920x1080x24" $(PY) main.py --screenshot docs/screenshot.png $(ARGS)

translations: $(STAMP)
	$(PY) -m tools.translations update

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
