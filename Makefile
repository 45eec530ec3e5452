# Anjian: `make run` serves the platform on SQLite with demo data; `make test` runs the whole suite.
# Both set everything up first (venv, Python and npm packages) and are safe to re-run.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP_FLAGS := --quiet --disable-pip-version-check --no-input
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: setup run test lint bench bench-hazards bench-inspections bench-patrols bench-accidents migrate demo clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install $(PIP_FLAGS) --upgrade pip 2>&1 | grep -v "is ignored: it is neither" || true
	$(PY) -m pip install $(PIP_FLAGS) -e '.[dev]' 2>&1 | grep -v "is ignored: it is neither" || true
	$(PY) -c "import django, rest_framework, drf_spectacular, openpyxl, playwright, pytest_django"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

migrate: setup
	mkdir -p var
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py seed_demo

run: demo
	@echo ""
	@echo "Anjian is at http://$(HOST):$(PORT)/  — demo logins (password Anjian@2026):"
	@echo "  juzhang (局领导) zhifa (执法人员) zhujian (住建部门) jingxin (经信部门) xiashi / xucun (乡镇)"
	@echo "  wangge1 (网格员) zhuanjia (专家) qiyea / anquana / yuangonga (企业A) qiyeb / anquanb (企业B)"
	@echo "  shiju (市应急局执法人员) sysadmin (系统管理员) secadmin (安全管理员) auditadmin (安全审计员)"
	@echo ""
	@echo "The hazard deadline scan runs in the background every $${ANJIAN_SCAN_INTERVAL_SECONDS:-900} s (manage.py run_scheduler)."
	$(PY) manage.py run_scheduler & scheduler=$$!; trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: setup
	ANJIAN_ENV=test $(PY) -m pytest -n 2 --dist worksteal $(PYTEST_ARGS)

lint: setup
	$(PY) -m ruff check .

# Builds its own data set (in var/bench.sqlite3 unless DATABASE_URL says otherwise) and prints figures.
bench: setup
	mkdir -p var
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench.sqlite3} $(PY) bench/enterprise_list.py --enterprises 100000

# The hazard ledger, counters and deadline scan (in var/bench_hazards.sqlite3 unless DATABASE_URL says otherwise;
# 200k enterprises, and 200k hazards on SQLite or 2M on PostgreSQL unless BENCH_ARGS says otherwise).
bench-hazards: setup
	mkdir -p var
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench_hazards.sqlite3} $(PY) bench/hazards.py --enterprises 200000 $(BENCH_ARGS)

# A 120-item inspection walked item by item, on the phone page (htmx) and through the API (in
# var/bench_inspections.sqlite3 unless DATABASE_URL says otherwise; 66,700 enterprises, 3,000 earlier inspections).
bench-inspections: setup
	mkdir -p var
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench_inspections.sqlite3} $(PY) bench/inspection_walk.py $(BENCH_ARGS)

# Grid patrol coverage for a county of 20,000 enterprises (in var/bench_patrols.sqlite3 unless DATABASE_URL says otherwise).
bench-patrols: setup
	mkdir -p var
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench_patrols.sqlite3} $(PY) bench/patrol_coverage.py $(BENCH_ARGS)

# Accident statistics, the circular, target progress and the ledger for a city over six counties (in
# var/bench_accidents.sqlite3 unless DATABASE_URL says otherwise; 60,000 enterprises, 40,000 accidents).
bench-accidents: setup
	mkdir -p var
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench_accidents.sqlite3} $(PY) bench/accident_stats.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules var
