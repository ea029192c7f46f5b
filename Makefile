# Two entry points: `make serve` (build the release, then serve it) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: serve test test-stores build validate lint fixtures clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/dprk-ld serve

build: $(STAMP)
	$(BIN)/dprk-ld build

validate: $(STAMP)
	$(BIN)/dprk-ld validate

lint: $(STAMP)
	$(BIN)/ruff check src tests

# the endpoint tests' fixture release, made from its TriG source (a test fails while it is stale)
fixtures: $(STAMP)
	$(BIN)/python -m dprk_ld.testing tests/endpoint/fixtures/release.trig tests/endpoint/fixtures/dist

test: $(STAMP)
	bash tools/system-deps
	$(BIN)/ruff check src tests
	$(BIN)/python -m pytest -n 2
	$(BIN)/python -m pytest -n 2 tests/endpoint tests/linked_data --store oxigraph
	$(BIN)/python -m pytest -n 2 tests/endpoint tests/linked_data --store virtuoso

# the endpoint and linked-data suites again, over each external store (issue 14; also in `make test`)
test-stores: $(STAMP)
	bash tools/system-deps
	$(BIN)/python -m pytest -n 2 tests/endpoint tests/linked_data --store oxigraph
	$(BIN)/python -m pytest -n 2 tests/endpoint tests/linked_data --store virtuoso

clean:
	rm -rf $(VENV) dist
