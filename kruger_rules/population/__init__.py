"""Populations: England's real wards as places, and synthetic organisations on them, generated from a seed."""
