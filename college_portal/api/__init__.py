"""The read-only open data API under /api/v1/: the catalogue, open offers, partners, competence
areas and the public demand/supply aggregate, as JSON with an OpenAPI document (django-ninja)."""
