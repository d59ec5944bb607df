# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
SAMPLE  := fixtures/text/az104-fail-classic.pdf

.PHONY: demo test bench setup tesseract fixtures clean

setup: $(STAMP) tesseract

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# Tesseract is a system binary: install it when missing and we may (root), else say how.
tesseract:
	@command -v tesseract >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing tesseract-ocr (apt-get)…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-eng poppler-utils >/dev/null; \
	  else \
	    echo "Tesseract is missing: run 'sudo apt-get install tesseract-ocr' (or 'brew install tesseract') and try again." >&2; exit 1; \
	  fi; }

demo: setup
	$(BIN)/scorereader parse $(SAMPLE)
	$(BIN)/scorereader plan $(SAMPLE) -o demo-out/
	@echo "Plan written to demo-out/"

test: setup
	OMP_THREAD_LIMIT=1 $(BIN)/python -m pytest

bench: setup
	OMP_THREAD_LIMIT=1 $(BIN)/python benchmarks/run.py

fixtures: setup
	$(BIN)/python fixtures/generate.py

clean:
	rm -rf $(VENV) demo-out .pytest_cache
