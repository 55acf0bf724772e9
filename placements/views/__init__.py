"""Views of placements, split by subject: offers, applications, bookings, profile."""
