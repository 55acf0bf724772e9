"""The public-sector pages every visitor can reach from the footer: how personal data is
handled, the accessibility statement with its feedback form, the contact page, and the
portal's own pages for a bad request and an expired form (CSRF failure)."""
