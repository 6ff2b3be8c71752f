# The two commands a newcomer needs (see README.md):
#   make example   set up, then fill the bundled example into outputs/
#   make test      set up (system packages included), then run the tests
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: example test system-deps bench template

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

example: $(VENV)/.installed
	$(VENV)/bin/reportfill fill inputs/wenxian-education-2021.toml

system-deps:
	bash scripts/system-deps.sh

test: system-deps $(VENV)/.installed
	REPORTFILL_REQUIRE_OFFICE=1 $(PY) -m pytest

bench: $(VENV)/.installed
	$(PY) bench/bench.py

template: $(VENV)/.installed
	$(PY) -m reportfill.writers.template_builder
