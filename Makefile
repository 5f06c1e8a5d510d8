# The two commands: `make run` and `make test`. Both create .venv and install the pinned packages.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
# The development server runs with debug on (plain HTTP, unhashed static files); production does not.
RUN_ENV := DJANGO_DEBUG=true

.PHONY: run test lint format typecheck clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(RUN_ENV) $(PY) manage.py migrate --no-input
	$(RUN_ENV) $(PY) manage.py seed_demo
	@echo ""
	@echo "Demo logins (password: $${DEMO_PASSWORD:-tumorboard-demo}):"
	@echo "  demo-coordinator  creates cases, runs meetings"
	@echo "  demo-member       edits cases, records decisions"
	@echo "  demo-viewer       reads only"
	@echo "  demo-surgeon, demo-radiologist   board members (surgery, interventional radiology)"
	@echo "  demo-admin        the admin (/admin/) for cases and meetings, not for users"
	@echo "Open http://$(HOST)/"
	@echo ""
	$(RUN_ENV) $(PY) manage.py runserver $(HOST)

test: $(VENV)/.dev
	$(PY) -m pytest $(PYTEST_ARGS)

# ruff: lint, and the formatter's check (`make format` rewrites).
lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.dev
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# mypy (pyproject.toml): django-stubs' checks over the apps, then --strict over the clinical engine.
# The Django plugin loads the settings, which need debug on to run without a secret key.
typecheck: $(VENV)/.dev
	DJANGO_DEBUG=true $(PY) -m mypy
	$(PY) -m mypy --strict --config-file= cases/clinical  # pure Python: no Django plugin

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .hypothesis
