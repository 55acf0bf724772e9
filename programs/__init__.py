"""Programmes: the machining curricula, their courses and the competence requirements set for them."""
