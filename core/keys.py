"""Signing keys: generated into the instance folder on first run, rotated by appending."""

from __future__ import annotations

import logging
import math
import os
import secrets
from collections import Counter
from pathlib import Path

from core.errors import StartupError

KEYS_FILENAME = "signing-keys"

# Values people paste from examples; a key like these signs cards anyone could forge.
PLACEHOLDERS = frozenset(
    {"", "dev", "change-me", "changeme", "secret", "placeholder", "replace-me", "xxx"}
)
MIN_KEY_LENGTH = 32
# A key's estimated entropy (Shannon, from its own characters) must reach this. A random
# 32-character hex key (128 real bits) scores at least ~93; "a" * 32 scores 0.
MIN_KEY_BITS = 80

log = logging.getLogger("partycard.keys")


class SigningKeyError(StartupError):
    """The signing keys are missing or unusable; the message says how to fix it."""


def is_placeholder(key: str) -> bool:
    """Whether a key is empty, a well-known example value or too short to be secret."""
    return key.strip().lower() in PLACEHOLDERS or len(key.strip()) < MIN_KEY_LENGTH


def estimated_bits(key: str) -> float:
    """An optimistic estimate of the key's entropy: its length times the Shannon entropy of
    its character frequencies. Catches typed keys ("a" * 32, "abab..."), not clever ones."""
    if not key:
        return 0.0
    n = len(key)
    per_char = -sum(c / n * math.log2(c / n) for c in Counter(key).values())
    return per_char * n


def _periodic(key: str) -> bool:
    """Whether the key is a shorter string repeated ("abcdefgh" * 4)."""
    return any(len(key) % p == 0 and key == key[:p] * (len(key) // p)
               for p in range(1, len(key) // 2 + 1))


def is_weak(key: str) -> bool:
    """A placeholder, too short, or too predictable to sign cards anyone could not forge."""
    key = key.strip()
    return is_placeholder(key) or estimated_bits(key) < MIN_KEY_BITS or _periodic(key)


def read_keys(path: Path) -> list[str]:
    """Keys from the file, oldest first; blank lines and ``#`` comments are skipped."""
    if path.exists() and not path.is_file():
        raise SigningKeyError(
            f"{path} is not a file (a folder?). Move it out of the way, then run "
            "`flask --app app keys generate` to create the key file.")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise SigningKeyError(
            f"{path} is not UTF-8 text, so it cannot hold signing keys. Restore it from a "
            "backup, or move it away and run `flask --app app keys generate` (cards signed "
            "with the lost keys will then no longer open).") from None
    except OSError as exc:
        raise SigningKeyError(f"{path} cannot be read: {exc.strerror or exc}.") from None
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


KEYS_HEADER = ("# partycard signing keys, oldest first; the last one signs.",
               "# Append a key to rotate; keep old ones so printed cards still scan.")


def write_new_key(path: Path, header: tuple[str, ...] = KEYS_HEADER) -> str:
    """Append a fresh random key (the new signing one) to the file, creating it with mode
    0600 and ``header`` (comment lines) first."""
    key = secrets.token_urlsafe(48)
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_CREAT with 0600 so the key is never readable by others, not even for an instant.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        if fh.tell() == 0:
            fh.writelines(line + "\n" for line in header)
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
        if path.exists() and not path.is_file():
            read_keys(path)  # the clear "not a file" message, not "readable by others"
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
    weak = [k for k in keys if is_weak(k)]
    if strict and weak:
        raise SigningKeyError(
            f"A signing key in {source} is a placeholder, shorter than {MIN_KEY_LENGTH} "
            "characters or too predictable (like 'aaaa...'). Remove it and run "
            "`flask --app app keys generate` to make a real one."
        )
    if weak and keys[-1] in weak:
        # Debug and testing accept such keys, but every card signed now can be forged.
        log.warning("WARNING: cards are being signed with a weak or placeholder key (from %s). "
                    "Anyone can forge them: never print or hand out these cards. "
                    "Run `flask --app app keys generate` for a real key.", source)
    return keys
