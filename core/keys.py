"""Signing keys: generated into the instance folder on first run, rotated by appending."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from core.errors import UserError

KEYS_FILENAME = "signing-keys"

# Values people paste from examples; a key like these signs cards anyone could forge.
PLACEHOLDERS = frozenset(
    {"", "dev", "change-me", "changeme", "secret", "placeholder", "replace-me", "xxx"}
)
MIN_KEY_LENGTH = 32


class SigningKeyError(UserError, RuntimeError):
    """The signing keys are missing or unusable; the message says how to fix it."""


def is_placeholder(key: str) -> bool:
    """Whether a key is empty, a well-known example value or too short to be secret."""
    return key.strip().lower() in PLACEHOLDERS or len(key.strip()) < MIN_KEY_LENGTH


def read_keys(path: Path) -> list[str]:
    """Keys from the file, oldest first; blank lines and ``#`` comments are skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def write_new_key(path: Path) -> str:
    """Append a fresh random key (the new signing key) to the file, creating it with mode 0600."""
    key = secrets.token_urlsafe(48)
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_CREAT with 0600 so the key is never readable by others, not even for an instant.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        if fh.tell() == 0:
            fh.write("# partycard signing keys, oldest first; the last one signs.\n")
            fh.write("# Append a key to rotate; keep old ones so printed cards still scan.\n")
        fh.write(key + "\n")
    os.chmod(path, 0o600)
    return key


def load_signing_keys(configured: list[str] | str | None, instance_path: Path,
                      generate: bool, strict: bool) -> list[str]:
    """Return the keys to use, oldest first.

    ``configured`` comes from config or the environment and wins over the file.
    ``generate`` creates the instance key file when it is missing (first run).
    ``strict`` (production) refuses placeholders, missing keys and a readable key file.
    """
    if isinstance(configured, str):
        configured = [k for k in configured.split(",") if k.strip()]
    path = instance_path / KEYS_FILENAME
    if configured:
        keys = [k.strip() for k in configured]
        source = "the SIGNING_KEYS setting"
    else:
        if not path.exists():
            if not generate:
                raise SigningKeyError(
                    f"No signing key: {path} does not exist. Run "
                    "`flask --app app keys generate` to create one (or set "
                    "PARTYCARD_SIGNING_KEYS)."
                )
            write_new_key(path)
        if strict and path.stat().st_mode & 0o077:
            raise SigningKeyError(
                f"{path} can be read by other users. Run `chmod 600 {path}` and start again."
            )
        keys = read_keys(path)
        source = str(path)
    if not keys:
        raise SigningKeyError(f"No signing key in {source}. Run `flask --app app keys generate`.")
    if strict and any(is_placeholder(k) for k in keys):
        raise SigningKeyError(
            f"A signing key in {source} is a placeholder or shorter than {MIN_KEY_LENGTH} "
            "characters. Remove it and run `flask --app app keys generate` to make a real one."
        )
    return keys
