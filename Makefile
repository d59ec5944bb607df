# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
SAMPLE  := fixtures/text/az104-fail-classic.pdf

.PHONY: demo test bench setup sysdeps fixtures clean

setup: $(STAMP) sysdeps

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# System parts: the Tesseract binary (OCR), Pango (WeasyPrint) and HarfBuzz-subset (fast font
# subsetting in WeasyPrint); for the desktop launcher's tests, desktop-file-utils
# (desktop-file-validate, update-desktop-database) and libglib2.0-bin (`gio launch`, GLib's own
# launcher), checked on Linux only. Installed with apt-get when missing and we are root; else we say how.
APT_PKGS := tesseract-ocr tesseract-ocr-eng libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
            desktop-file-utils libglib2.0-bin
sysdeps:
	@missing=""; \
	command -v tesseract >/dev/null 2>&1 || missing="$$missing tesseract"; \
	ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || missing="$$missing harfbuzz-subset"; \
	ldconfig -p 2>/dev/null | grep -q libpangoft2 || missing="$$missing pango"; \
	if [ "$$(uname -s)" = Linux ]; then \
	  command -v desktop-file-validate >/dev/null 2>&1 || missing="$$missing desktop-file-utils"; \
	  command -v gio >/dev/null 2>&1 || missing="$$missing gio"; \
	fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing system packages for:$$missing (apt-get)…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PKGS) >/dev/null; \
	  else \
	    echo "Missing:$$missing. Run 'sudo apt-get install $(APT_PKGS)' (or 'brew install tesseract pango') and try again." >&2; exit 1; \
	  fi; \
	fi

demo: setup
	$(BIN)/scorereader parse $(SAMPLE)
	$(BIN)/scorereader $(SAMPLE) -o demo-out/
	@echo "Plan written to demo-out/"

test: setup
	OMP_THREAD_LIMIT=1 $(BIN)/python -m pytest

bench: setup
	OMP_THREAD_LIMIT=1 $(BIN)/python benchmarks/run.py

fixtures: setup
	$(BIN)/python fixtures/generate.py

clean:
	rm -rf $(VENV) demo-out .pytest_cache
