# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PROCESS ?= injection_molding
PYTEST_ARGS ?=

export OMP_WAIT_POLICY := PASSIVE
export MLFLOW_DISABLE_TELEMETRY := true
export DO_NOT_TRACK := true

.PHONY: demo test lint format notebooks handouts clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,dl,fast]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/axpoc run configs/examples/$(PROCESS).yaml

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

notebooks: $(STAMP)
	$(BIN)/python -m axpoc.notebooks render notebooks build/notebooks

# Trainees' copies (docs/course/trainer/ stays with the trainer): exercises without solutions, printable HTML/PDF.
HANDOUT_DOCS := docs/course/glossary.yaml $(filter-out docs/course/coverage.md,$(sort $(wildcard docs/course/*.md))) docs/runbook_ko.md docs/runbook_en.md
handouts: $(STAMP)
	$(BIN)/python -m axpoc.notebooks handouts notebooks build/handouts $(foreach doc,$(HANDOUT_DOCS),--print $(doc))

clean:
	rm -rf build .pytest_cache .ruff_cache

# Peers benchmark (benchmarks/README.md): per-peer venvs, then every tool on identical rows. Hours of CPU.
.PHONY: bench-peers-setup bench-peers bench-peers-smoke
bench-peers-setup: $(STAMP)
	$(BIN)/python benchmarks/peers/setup_envs.py

bench-peers: bench-peers-setup
	$(BIN)/python benchmarks/peers/run.py --stability 3

bench-peers-smoke: bench-peers-setup
	$(BIN)/python benchmarks/peers/run.py --datasets injection_molding_lens_quality --seeds 0 --budget 15 \
		--stability 3 --out benchmarks/results/peers_smoke --title "SMOKE RUN (pipeline check, not the issue's results)"
