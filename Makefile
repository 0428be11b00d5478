# Two entry points for a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
DEMO_OUT ?= out/demo
EVAL_OUT ?= $(shell mktemp -d)

.PHONY: demo test install dev lint typecheck pytest models bench clean eval-record eval-baseline arch screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.dev: $(VENV)/.installed
	$(PIP) install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
dev: $(VENV)/.dev

## demo: install, pull the embedded model once, brief the bundled articles, write the daily note
demo: install
	$(BIN)/summarizer model pull --size 1.5b
	$(BIN)/summarizer brief examples/articles/*.txt
	$(BIN)/summarizer daily examples/articles --out $(DEMO_OUT) --force

## test: lint, type-check and run the whole test suite (includes the real 0.5B model)
test: dev
	$(BIN)/ruff check summarizer tests benchmarks evals/tools
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/deptry .
	$(BIN)/summarizer model pull --size 0.5b
	$(BIN)/pytest -q
	$(BIN)/summarizer eval evals/suite.yaml --replay evals/replays \
		--baseline evals/baseline/report.json --out $(EVAL_OUT)

## eval-record: run every gold case (composed and real) on the embedded model, record replays + baseline
eval-record: install
	$(BIN)/summarizer model pull --size 1.5b
	rm -rf evals/replays evals/baseline
	$(BIN)/summarizer eval evals/suite.yaml --record evals/replays --out evals/baseline

## eval-baseline: re-score the committed recordings with the current pipeline (no model)
eval-baseline: install
	rm -rf evals/baseline
	$(BIN)/summarizer eval evals/suite.yaml --replay evals/replays --out evals/baseline

## bench: throughput/cache/memory benchmark against the fake server (writes benchmarks/results.json)
bench: dev
	$(BIN)/python benchmarks/bench_daily.py

## screenshots: re-make docs/*.png (the README's) from the HTML pages, in headless Chromium
screenshots: dev
	$(BIN)/python evals/tools/screenshots.py --out docs

lint: dev
	$(BIN)/ruff check summarizer tests benchmarks evals/tools
typecheck: dev
	$(BIN)/mypy
## arch: architecture (import-linter layer/forbidden contracts) and dependency (deptry) checks
arch: dev
	$(BIN)/lint-imports
	$(BIN)/deptry .

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
