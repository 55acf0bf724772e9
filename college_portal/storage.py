"""Uploaded files in an S3-compatible bucket (S3_BUCKET), for deployments with several web
hosts. Nothing in a bucket is public: every file, logos included, is served by the portal's
own views (`public_media`, `staff_document`, the CV download), which read it through
storage.open() after checking who asks; so no signed URLs and no public-read ACL."""

from urllib.parse import urljoin

from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage as _S3Storage


class S3Storage(_S3Storage):
    """django-storages' S3 backend whose url() is the portal's address of the file (as
    FileSystemStorage's), not the bucket's."""

    def __init__(self, *, base_url, **options):
        self.portal_base_url = base_url
        super().__init__(**options)

    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(self.portal_base_url, filepath_to_uri(name))

