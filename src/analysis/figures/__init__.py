"""Figures drawn from computed results (figure-level and map functions)."""
