"""Shared plumbing: the database handle, signing keys, language selection and security headers."""
