"""What the portal publishes for machines beside its pages: documents (feeds, the sitemap,
robots.txt) kept in the cache like the public pages, and schema.org JSON-LD in a page.

A document is cached under the public pages' version key (`pagecache.cached_public_data`): any
change to what the public pages show makes it render anew, and the day is in the key. Its
address (scheme, host, path; never the query string) is in the key, since it holds absolute
links to where it was served.
"""


from django.http import HttpResponse
from django.utils.html import json_script
from django.utils.safestring import mark_safe

from .pagecache import address_hash, cached_public_data

SCHEMA_ORG = "https://schema.org"


def cached_document(request, name, content_type, render):
    """`render()`'s text, served as `content_type`; kept in the cache until what the public
    pages show changes."""
    # Without the query string: a made-up ?x= must not render (and store) the document anew.
    address = address_hash(request, query=False)
    body = cached_public_data(f"document:{name}:{address}", render)
    return HttpResponse(body, content_type=content_type)


def json_ld(data):
    """A `<script type="application/ld+json">` of `data`, safe in HTML: json_script escapes
    <, > and & (a title holding "</script>" stays inside the script)."""
    script = json_script(data)
    # str.replace drops SafeString: mark it safe again, or the template escapes the whole
    # <script> into visible text.
    return mark_safe(script.replace('type="application/json"', 'type="application/ld+json"', 1))


def json_ld_many(*items):
    """One script per item, None skipped (each item a whole JSON-LD document)."""
    return mark_safe("\n".join(json_ld(item) for item in items if item))


def compact(data):
    """`data` without empty values (schema.org readers prefer a missing property to "")."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}
