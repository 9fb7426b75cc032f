"""Figures over many branches: the organisation home and the reports upward (issue 22)."""
