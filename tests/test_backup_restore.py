"""`make backup` / `make restore` (manage.py backup, restore): a backup of a database with data
and files, restored into an empty database and empty storage, holds every row and every
file; a changed backup is refused before anything is touched."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from partners.models import Meeting, SteeringGroup

from .conftest import require
from .helpers import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump sees committed rows only

# A sample of values that must come back as they were.
SAMPLES = [
    "SELECT email, full_name FROM accounts_user ORDER BY id",
    "SELECT motivation, cv, status FROM placements_application ORDER BY id",
    "SELECT title, document, valid_from FROM partners_agreement ORDER BY id",
    "SELECT name, logo, municipality FROM partners_organisation ORDER BY id",
    "SELECT title, application_deadline FROM placements_offer ORDER BY id",
    "SELECT minutes FROM partners_meeting ORDER BY id",
]


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def backup(directory):
    out = StringIO()
    call_command("backup", "--dir", str(directory), stdout=out, stderr=StringIO())
    return Path(out.getvalue().strip())


def manage(*args, database_url, media):
    """manage.py as an operator runs it: the real settings, from the environment."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("REDIS", "S3_", "CELERY", "DJANGO_SETTINGS"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="college_portal.settings",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media / "public"),
        PRIVATE_MEDIA_ROOT=str(media / "private"),
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def data_and_files(world, agreement, logo):
    """The world (Elsa's application with a CV), LK's agreement document and logo, and a
    steering group meeting's minutes."""
    group = SteeringGroup.objects.create(name="Regional styrgrupp", level="regional")
    meeting = Meeting(group=group, date="2026-03-01")
    meeting.minutes.save("protokoll.pdf", ContentFile(pdf_bytes(pages=3)))
    files = {
        "private": {
            name: sha256(storages["private"].open(name).read())
            for name in (
                world["application"].cv.name,
                agreement.document.name,
                meeting.minutes.name,
            )
        },
        "public": {logo.name: sha256(default_storage.open(logo.name).read())},
    }
    yield files
    storages["private"].delete(meeting.minutes.name)


def stored_files(root):
    """{name: sha256} of every file under `root`, names relative to it."""
    return {
        path.relative_to(root).as_posix(): sha256(path.read_bytes())
        for path in Path(root).rglob("*")
        if path.is_file()
    }


def table_counts(db):
    with db.cursor() as cursor:
        tables = db.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {db.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def samples(db):
    with db.cursor() as cursor:
        result = []
        for query in SAMPLES:
            cursor.execute(query)
            result.append([tuple(str(value) for value in row) for row in cursor.fetchall()])
    return result


@pytest.fixture
def empty_postgres():
    """An empty second PostgreSQL database beside the test database, dropped afterwards."""
    require(connection.vendor == "postgresql", "backup and restore of PostgreSQL need PostgreSQL")
    require(
        shutil.which("pg_dump") and shutil.which("pg_restore"),
        "the PostgreSQL client programs (pg_dump, pg_restore) are not installed",
    )
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
    target = connection.copy()
    target.settings_dict["NAME"] = name
    yield target
    target.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def url_of(settings_dict, name):
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD")
    credentials = f"{user}:{quote(password, safe='')}@" if password else f"{user}@"
    host = settings_dict.get("HOST") or "localhost"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{name}"


def test_postgres_backup_restores_every_row_and_file_into_an_empty_database(
    data_and_files, empty_postgres, tmp_path
):
    folder = backup(tmp_path / "backups")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["engine"] == "postgresql"
    assert len(manifest["files"]) == 4 and manifest["missing"] == []
    media = tmp_path / "fresh-media"

    restored = manage(
        "restore",
        str(folder),
        database_url=url_of(connection.settings_dict, empty_postgres.settings_dict["NAME"]),
        media=media,
    )

    assert restored.returncode == 0, restored.stderr
    counts = table_counts(connection)
    assert counts["placements_application"] and counts["accounts_user"]
    assert table_counts(empty_postgres) == counts
    assert samples(empty_postgres) == samples(connection)
    assert stored_files(media / "private") == data_and_files["private"]
    assert stored_files(media / "public") == data_and_files["public"]

    again = manage(
        "restore",
        str(folder),
        database_url=url_of(connection.settings_dict, empty_postgres.settings_dict["NAME"]),
        media=media,
    )
    assert again.returncode == 1  # no longer empty: refused
    assert empty_postgres.settings_dict["NAME"] in again.stderr
    forced = manage(
        "restore",
        str(folder),
        "--force",
        database_url=url_of(connection.settings_dict, empty_postgres.settings_dict["NAME"]),
        media=media,
    )
    assert forced.returncode == 0, forced.stderr
    assert table_counts(empty_postgres) == counts


def test_sqlite_backup_restores_every_row_and_file(data_and_files, tmp_path):
    if connection.vendor != "sqlite":
        # Not a missing service: the PostgreSQL round trip above is this run's (CI included).
        pytest.skip("this is the embedded SQLite database's round trip")
    folder = backup(tmp_path / "backups")
    target = tmp_path / "restored.sqlite3"
    media = tmp_path / "fresh-media"

    restored = manage("restore", str(folder), database_url=f"sqlite:///{target}", media=media)

    assert restored.returncode == 0, restored.stderr
    copy = connection.copy()
    copy.settings_dict["NAME"] = str(target)
    try:
        assert table_counts(copy) == table_counts(connection)
        assert samples(copy) == samples(connection)
    finally:
        copy.close()
    assert stored_files(media / "private") == data_and_files["private"]
    assert stored_files(media / "public") == data_and_files["public"]


def refused(folder, language="en"):
    with translation.override(language), pytest.raises(CommandError) as refusal:
        call_command("restore", str(folder), stdout=StringIO(), stderr=StringIO())
    return str(refusal.value)


def test_a_changed_file_in_the_backup_is_refused(data_and_files, tmp_path):
    folder = backup(tmp_path / "backups")
    cv = next(
        entry
        for entry in json.loads((folder / "manifest.json").read_text())["files"]
        if entry["field"] == "placements.application.cv"
    )
    with open(folder / cv["path"], "ab") as handle:
        handle.write(b"%% appended")

    message = refused(folder)

    assert "changed or damaged" in message and "nothing was restored" in message
    assert f"{cv['path']} (checksum differs)" in message
    assert "har ändrats eller skadats" in refused(folder, "sv")  # Swedish by default


def test_a_changed_or_missing_dump_is_refused(data_and_files, tmp_path):
    folder = backup(tmp_path / "backups")
    dump = next(folder.glob("database.*"))
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    assert f"{dump.name} (checksum differs)" in refused(folder)

    dump.unlink()
    assert f"{dump.name} (missing)" in refused(folder)


def test_a_database_with_tables_is_refused_without_force(data_and_files, tmp_path):
    folder = backup(tmp_path / "backups")

    message = refused(folder)

    assert "is not empty" in message and "--force" in message


def test_verify_only_checks_without_restoring(data_and_files, tmp_path):
    folder = backup(tmp_path / "backups")
    out = StringIO()

    call_command("restore", str(folder), "--verify-only", stdout=out)

    assert "4" in out.getvalue()
