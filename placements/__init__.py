"""Placements: internships and study visits offered by companies, applications and bookings."""
