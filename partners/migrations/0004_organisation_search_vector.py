"""A stored Swedish search vector for organisations (name A, municipality B, description C)
with a GIN index, on PostgreSQL only (SQLite searches with icontains): the search no longer
builds a vector per row at query time. Kept current by the app's search.py on every save."""

import django.contrib.postgres.search
from django.db import migrations

VECTOR_SQL = (
    "setweight(to_tsvector('swedish', coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('swedish', coalesce(municipality, '')), 'B') || "
    "setweight(to_tsvector('swedish', coalesce(description, '')), 'C')"
)


def create_index_and_fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS organisation_search_gin ON partners_organisation USING gin (search_vector)"
        )
        schema_editor.execute(f"UPDATE partners_organisation SET search_vector = {VECTOR_SQL}")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS organisation_search_gin")


class Migration(migrations.Migration):
    dependencies = [("partners", "0003_documents_in_private_storage")]
    operations = [
        migrations.AddField(
            model_name="organisation",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create_index_and_fill, drop_index),
    ]
