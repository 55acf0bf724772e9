# Teknikcollege Stockholm portal. `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install worker beat up migrate demo messages lint bench backup restore clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the declared dependencies or the pins change.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt ".[dev]"
	touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

# The development server, and beside it the scheduler that runs the scheduled jobs (reminders,
# deadline notices, the digest, agreement reminders, the outbox relay) on beat's schedule; it
# stops when the server does. Mail the scheduler writes links to this server unless
# PORTAL_BASE_URL says otherwise.
run: demo
	@mkdir -p var
	PORTAL_BASE_URL="$${PORTAL_BASE_URL:-http://$(HOST):$(PORT)}" \
		$(BIN)/python manage.py run_scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null; wait $$scheduler' EXIT; \
	trap 'exit 130' INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

worker: install
	$(BIN)/celery -A college_portal worker --loglevel=INFO --concurrency=2

beat: install
	$(BIN)/celery -A college_portal beat --loglevel=INFO --schedule=var/celerybeat-schedule

# Web under gunicorn, a worker and beat, on the PostgreSQL and Redis named by the environment.
up: migrate
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/honcho start -f Procfile

# Rebuild the translation catalogues (needs GNU gettext) after changing strings.
messages: install
	$(BIN)/python manage.py makemessages -l sv -l en --ignore=.venv --ignore=staticfiles
	scripts/fill_en_catalogue.sh
	$(BIN)/python manage.py compilemessages --ignore=.venv

# Throughput, latency and query counts at demo size and at county scale, on PostgreSQL and Redis
# (DATABASE_URL, REDIS_URL; defaults portal_bench and redis db 5); installs wrk if missing.
# BENCH_ARGS=--quick for shorter runs, --rebuild to regenerate the bench databases.
bench: install
	@command -v wrk >/dev/null || apt-get install -y wrk || (apt-get update && apt-get install -y wrk)
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

# The database (pg_dump -Fc, or SQLite's backup API) and every stored file its rows point to,
# with a SHA-256 manifest, in one folder under BACKUP_DIR (default var/backups).
backup: install
	$(BIN)/python manage.py backup

# make restore BACKUP=var/backups/portal-… [RESTORE_ARGS=--force]: checksums first, then the
# database named by DATABASE_URL (empty unless --force) and the files through the storages.
restore: install
	$(BIN)/python manage.py restore $(BACKUP) $(RESTORE_ARGS)

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
