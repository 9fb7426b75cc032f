"""Spreadsheets in and out: import members and records from .xlsx/.csv, export a branch."""
