"""Backup and restore of the database together with the stored files its rows point to.

A backup is one folder, `portal-<UTC time>`, under BACKUP_DIR (default var/backups):
- `database.dump`: `pg_dump -Fc` of the PostgreSQL database, or `database.sqlite3`: a copy of
  the embedded SQLite database made with sqlite3's backup API;
- `files/<app>.<model>.<field>/<name>`: every file a row points to (CVs, agreements, minutes,
  logos), read through the field's storage (file system or S3);
- `manifest.json`: the SHA-256 and size of the dump and of every file.

Database and files agree: on PostgreSQL the dump and the list of files are read from one
snapshot (`pg_export_snapshot()` shared with `pg_dump --snapshot`); on SQLite the list is read
from the copy. A file deleted between the snapshot and its copy is named in the manifest as
missing. Restore checks every checksum before it touches anything, refuses a database that
already has tables unless forced, then restores the database and puts the files back through
the storages.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.models import FileField
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

FORMAT = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


@dataclass(frozen=True)
class FileColumn:
    """One FileField: where its names are stored and which storage holds the files."""

    key: str  # "placements.application.cv"
    table: str
    column: str
    field: FileField

    @property
    def storage(self):
        return self.field.storage


def file_columns():
    """Every FileField of every installed model, once (a parent's field in its own table)."""
    columns = []
    for model in apps.get_models():
        opts = model._meta
        if opts.proxy or not opts.managed:
            continue
        for field in opts.local_concrete_fields:
            if isinstance(field, FileField):
                columns.append(
                    FileColumn(
                        f"{opts.label_lower}.{field.name}", opts.db_table, field.column, field
                    )
                )
    return columns


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def backup_dir():
    return Path(getattr(settings, "BACKUP_DIR", settings.BASE_DIR / "var" / "backups"))


# --- database access ------------------------------------------------------------------------


def _vendor(alias):
    vendor = connections[alias].vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(
            _("Backup supports PostgreSQL and SQLite, not %(vendor)s.") % {"vendor": vendor}
        )
    return vendor


def _pg_env(settings_dict):
    """The libpq environment for pg_dump and pg_restore from the Django database settings."""
    env = {**os.environ}
    options = settings_dict.get("OPTIONS", {})
    for variable, value in (
        ("PGHOST", settings_dict.get("HOST")),
        ("PGPORT", settings_dict.get("PORT")),
        ("PGUSER", settings_dict.get("USER")),
        ("PGPASSWORD", settings_dict.get("PASSWORD")),
        ("PGSSLMODE", options.get("sslmode")),
        ("PGSSLROOTCERT", options.get("sslrootcert")),
        ("PGSSLCERT", options.get("sslcert")),
        ("PGSSLKEY", options.get("sslkey")),
        ("PGSERVICE", options.get("service")),
    ):
        if value:
            env[variable] = str(value)
    return env


def _run(command, env=None):
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(
            _("%(program)s is not installed (the PostgreSQL client programs are needed).")
            % {"program": command[0]}
        ) from None
    if result.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": command[0], "error": result.stderr.strip()[-2000:]}
        )


def _names_in(cursor, quote, columns):
    """(column, name) of every stored file the rows point to, as the cursor's snapshot sees them."""
    found = []
    for column in columns:
        cursor.execute(
            f"SELECT DISTINCT {quote(column.column)} FROM {quote(column.table)} "
            f"WHERE {quote(column.column)} IS NOT NULL AND {quote(column.column)} <> ''"
        )
        found.extend((column, name) for (name,) in cursor.fetchall())
    return found


def _dump_postgres(alias, target, columns):
    """pg_dump -Fc and the file names, both from one exported snapshot."""
    db = connections[alias].copy()
    try:
        db.ensure_connection()
        raw = db.connection
        raw.autocommit = False
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    f"--dbname={db.settings_dict['NAME']}",
                ],
                env=_pg_env(db.settings_dict),
            )
            names = _names_in(cursor, db.ops.quote_name, columns)
        raw.rollback()
    finally:
        db.close()
    return names


def _dump_sqlite(alias, target, columns):
    """A copy by sqlite3's backup API (consistent while others write); the names from the copy."""
    connection = connections[alias]
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
        return _names_in(destination.cursor(), connection.ops.quote_name, columns)
    finally:
        destination.close()


# --- backup ---------------------------------------------------------------------------------


def _copy_from_storage(column, name, target):
    """Stream the stored file into `target`; returns (sha256, size)."""
    digest = hashlib.sha256()
    size = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with column.storage.open(name, "rb") as source, open(target, "wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return digest.hexdigest(), size


def _safe_relative(name):
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(_("Unsafe file name in the backup: %(name)s") % {"name": name})
    return path


def _copy_files(folder, names):
    """Copy each named file into `folder`; returns the manifest's files and missing lists."""
    files, missing = [], []
    for column, name in names:
        relative = PurePosixPath("files", column.key, _safe_relative(name))
        try:
            digest, size = _copy_from_storage(column, name, folder / relative)
        except FileNotFoundError:
            missing.append({"field": column.key, "name": name})
            continue
        files.append(
            {
                "field": column.key,
                "name": name,
                "path": str(relative),
                "sha256": digest,
                "size": size,
            }
        )
    return files, missing


def _write_backup(folder, *, vendor, alias, now, log):
    columns = file_columns()
    dump = folder / ("database.dump" if vendor == "postgresql" else "database.sqlite3")
    log(_("Copying the database"))
    dumper = _dump_postgres if vendor == "postgresql" else _dump_sqlite
    names = dumper(alias, dump, columns)
    log(
        ngettext("Copying %(count)s file", "Copying %(count)s files", len(names))
        % {"count": len(names)}
    )
    files, missing = _copy_files(folder, names)
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "engine": vendor,
        "database": {"path": dump.name, "sha256": sha256_of(dump), "size": dump.stat().st_size},
        "files": files,
        "missing": missing,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    return manifest


def create_backup(*, directory=None, alias="default", now=None, log=lambda message: None):
    """Write a backup folder under `directory` (BACKUP_DIR); returns (its path, manifest)."""
    vendor = _vendor(alias)
    now = now or datetime.now(UTC)
    root = Path(directory or backup_dir())
    root.mkdir(parents=True, exist_ok=True)
    final = root / f"portal-{now:%Y%m%dT%H%M%SZ}"
    if final.exists():
        raise BackupError(_("%(path)s exists already.") % {"path": final})
    # Built under another name and renamed at the end: a failed run never looks complete.
    partial = root / f".{final.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    old_umask = os.umask(0o077)  # personal data: readable by this user only
    try:
        partial.mkdir()
        manifest = _write_backup(partial, vendor=vendor, alias=alias, now=now, log=log)
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    finally:
        os.umask(old_umask)
    return final, manifest


# --- restore --------------------------------------------------------------------------------


def read_manifest(folder):
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(
            _("%(path)s is not a backup: it has no %(manifest)s.")
            % {"path": folder, "manifest": MANIFEST}
        ) from None
    except ValueError:
        raise BackupError(
            _("The backup's manifest is damaged: %(path)s") % {"path": folder}
        ) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(_("Unknown backup format in %(path)s.") % {"path": folder})
    return manifest


def verify(folder):
    """Check the dump's and every file's SHA-256 against the manifest; raise naming each
    file that is missing or changed. Returns the manifest."""
    folder = Path(folder).resolve()
    manifest = read_manifest(folder)
    entries = [manifest["database"], *manifest["files"]]
    bad = []
    for entry in entries:
        path = (folder / _safe_relative(entry["path"])).resolve()
        if not path.is_relative_to(folder):
            bad.append(entry["path"])
        elif not path.is_file():
            bad.append(_("%(path)s (missing)") % {"path": entry["path"]})
        elif sha256_of(path) != entry["sha256"]:
            bad.append(_("%(path)s (checksum differs)") % {"path": entry["path"]})
    if bad:
        raise BackupError(
            _(
                "The backup %(folder)s has been changed or damaged since it was made; nothing was restored. Files that do not match the manifest: %(files)s"
            )
            % {"folder": folder, "files": ", ".join(bad)}
        )
    return manifest


def _tables(alias):
    connection = connections[alias]
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def _restore_postgres(alias, dump, *, force):
    settings_dict = connections[alias].settings_dict
    connections[alias].close()
    command = [
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={settings_dict['NAME']}",
    ]
    if force:
        command[1:1] = ["--clean", "--if-exists"]
    _run([*command, str(dump)], env=_pg_env(settings_dict))


def _restore_sqlite(alias, copy):
    connection = connections[alias]
    connection.ensure_connection()
    source = sqlite3.connect(copy)
    try:
        source.backup(connection.connection)  # replaces the whole database
    finally:
        source.close()
    connection.close()


def _columns_by_key():
    return {column.key: column for column in file_columns()}


def _check_target(manifest, alias, vendor, force):
    if manifest["engine"] != vendor:
        raise BackupError(
            _("The backup is of a %(backup)s database; this portal uses %(here)s.")
            % {"backup": manifest["engine"], "here": vendor}
        )
    tables = _tables(alias)
    if tables and not force:
        raise BackupError(
            _(
                "The database %(name)s is not empty (%(count)s tables). Restore into an empty database, or pass --force to replace its contents."
            )
            % {"name": connections[alias].settings_dict["NAME"], "count": len(tables)}
        )


def _files_to_put_back(manifest, columns, force):
    """The manifest's files that the storages lack; a different file under the same name is
    refused unless forced, an identical one is left as it is."""
    unknown = sorted({entry["field"] for entry in manifest["files"]} - set(columns))
    if unknown:
        raise BackupError(
            _("The backup has files of fields this portal does not know: %(fields)s")
            % {"fields": ", ".join(unknown)}
        )
    pending = []
    for entry in manifest["files"]:
        storage = columns[entry["field"]].storage
        if storage.exists(entry["name"]):
            with storage.open(entry["name"], "rb") as handle:
                if hashlib.file_digest(handle, "sha256").hexdigest() == entry["sha256"]:
                    continue
            if not force:
                raise BackupError(
                    _(
                        "A different file %(name)s is stored already. Restore into empty storage, or pass --force to replace it."
                    )
                    % {"name": entry["name"]}
                )
        pending.append(entry)
    return pending


def _put_back(folder, entry, storage):
    if storage.exists(entry["name"]):
        storage.delete(entry["name"])
    with open(folder / entry["path"], "rb") as handle:
        saved = storage.save(entry["name"], handle)
    if saved != entry["name"]:
        raise BackupError(
            _("The storage kept %(name)s as %(saved)s.") % {"name": entry["name"], "saved": saved}
        )


def restore_backup(folder, *, alias="default", force=False, log=lambda message: None):
    """Restore the backup in `folder` into the database `alias` and the storages; returns
    (the manifest, how many files were written). Everything is checked before anything is
    written: checksums, an empty database, storages without different files of those names."""
    folder = Path(folder)
    manifest = verify(folder)
    vendor = _vendor(alias)
    _check_target(manifest, alias, vendor, force)
    columns = _columns_by_key()
    pending = _files_to_put_back(manifest, columns, force)

    log(_("Restoring the database"))
    database = folder / manifest["database"]["path"]
    if vendor == "postgresql":
        _restore_postgres(alias, database, force=force)
    else:
        _restore_sqlite(alias, database)
    log(
        ngettext("Restoring %(count)s file", "Restoring %(count)s files", len(pending))
        % {"count": len(pending)}
    )
    for entry in pending:
        _put_back(folder, entry, columns[entry["field"]].storage)
    return manifest, len(pending)
