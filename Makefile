# Capillary: `make demo` runs the platform with demo data, `make test` runs the whole test suite.
# Both create or update the environment themselves (uv, Python 3.13 from .python-version).
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
UV := python -m uv
# Python keeps the bytecode it compiles (in __pycache__, ignored by git), even where the machine's environment says
# PYTHONDONTWRITEBYTECODE=1 (these machines do): else every Python process, each test process and every worker,
# gunicorn and manage.py the tests start, compiled every module it imports again (~4 s of CPU each).
unexport PYTHONDONTWRITEBYTECODE
# `make test` runs the suite in this many processes (pytest-xdist; tests/conftest.py keeps each file in one).
TEST_PROCESSES ?= 2

.PHONY: demo test env system-deps messages lint bench bench-city bench-pages bench-peer stop-db backup restore load screenshots crawl

env:
	@python -m uv --version >/dev/null 2>&1 || python -m pip install -q uv
	@$(UV) sync --locked --quiet

system-deps:
	@bash scripts/system-deps.sh

# The English catalogue: .po in git, .mo compiled here (generated files stay out of git).
messages: env system-deps
	@$(UV) run python manage.py compilemessages -l en --ignore .venv --ignore var -v 0

demo: env system-deps messages
	$(UV) run python scripts/run_demo.py

test: env system-deps messages
	$(UV) run ruff check .
	$(UV) run python manage.py makemigrations --check --dry-run
	$(UV) run lint-imports
	$(UV) run pytest -n $(TEST_PROCESSES)

lint: env
	$(UV) run ruff check .
	$(UV) run ruff format --check .

bench: env system-deps
	$(UV) run python benchmarks/run.py $(BENCH_ARGS)

# The README's tour: the demo in a throwaway database, each role's home photographed by headless Chromium into
# docs/screenshots/ (scripts/screenshots.py; OUT=dir to write elsewhere).
screenshots: env system-deps messages
	$(UV) run python scripts/screenshots.py $(if $(OUT),--out $(OUT),)

# Every staff role's pages as Chromium reaches them by links, at 390 and 1440 px and in English at 390, on a throwaway
# demo: fails on an answer that is not 200, a console error, a request off the machine or a page wider than the screen.
crawl: env system-deps messages
	$(UV) run python scripts/screenshots.py --crawl $(or $(PAGES),90)

# Our QR filing beside django-helpdesk 2.6's public ticket form (its own venv under var/peer and database),
# interleaved rounds, same server setup and client loop (benchmarks/peer.py). Not a test.
bench-peer: env system-deps
	$(UV) run python benchmarks/peer.py $(PEER_ARGS)

# A city (16 districts, ~3,000 communities, ~20,000 compounds, staff, firms) and SIZE work orders with their
# timeline, history and notifications, loaded with COPY into the database capillary_city_<SIZE> (benchmarks/city.py).
bench-city: env system-deps
	$(UV) run python manage.py migrate -v 0
	$(UV) run python benchmarks/city.py --orders $(or $(SIZE),100000) $(CITY_ARGS)

# The pages and API calls issue 12 measures, timed on a city loaded by bench-city (benchmarks/pages.py).
bench-pages: env
	$(UV) run python benchmarks/pages.py --database $(or $(DATABASE),capillary_city_100000) $(PAGES_ARGS)

# A bounded load run with locust (a few hundred users, 90 s; not in `make test`): figures in benchmarks/load-results.json.
load: env system-deps
	$(UV) run python benchmarks/load.py $(LOAD_ARGS)

# Backups: the database (pg_dump custom format) and the media files into var/backups/<stamp>/ (TO=dir to choose);
# `make restore FROM=var/backups/<stamp>` restores one into the (empty) database of DATABASE_URL.
backup: env
	$(UV) run python manage.py backup $(if $(TO),--to $(TO),)

restore: env
	@test -n "$(FROM)" || { echo "usage: make restore FROM=var/backups/<stamp>"; exit 2; }
	$(UV) run python manage.py restore $(FROM)

stop-db: env
	$(UV) run python -c "from config import embedded; embedded.stop_database()"
