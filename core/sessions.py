"""The session secret: signs login sessions and CSRF tokens, never cards.

Kept apart from the card-signing keys so that rotating those (a leaked key, a routine
change) logs nobody out, and rotating this one (a leaked session secret) leaves every
printed card valid. Generated into the instance folder on first run, like the card keys;
rotated by appending a line: the last line signs, older lines are ``SECRET_KEY_FALLBACKS``
(sessions signed with them stay valid until they expire, or until the line is removed).
"""

from __future__ import annotations

from pathlib import Path

from core.keys import SigningKeyError, is_placeholder, read_keys, write_new_key

SESSION_SECRET_FILENAME = "session-secret"


SESSION_HEADER = (
    "# partycard session secrets, oldest first; the last one signs sessions.",
    "# Append one to rotate (older ones still verify); remove one to log out",
    "# every session it signed. Not the card keys: see signing-keys.")


def append_session_secret(path: Path) -> str:
    """Append a fresh random secret (the new signing one), creating the file with mode 0600."""
    return write_new_key(path, SESSION_HEADER)


def load_session_secrets(configured: str | None, instance_path: Path, *, generate: bool,
                         strict: bool) -> tuple[str, list[str]]:
    """The secret that signs sessions and the older ones still accepted (newest first).

    ``configured`` (SECRET_KEY from config or the environment) wins over the file.
    """
    if configured:
        secrets_ = [configured]
        source = "the SECRET_KEY setting"
    else:
        path = instance_path / SESSION_SECRET_FILENAME
        if not path.exists():
            if not generate:
                raise SigningKeyError(f"No session secret: {path} does not exist. Run "
                                      "`flask --app app keys rotate-session` to create one.")
            append_session_secret(path)
        if strict and path.stat().st_mode & 0o077:
            raise SigningKeyError(
                f"{path} can be read by other users. Run `chmod 600 {path}` and start again.")
        secrets_ = read_keys(path)
        source = str(path)
    if not secrets_:
        raise SigningKeyError(f"No session secret in {source}. "
                              "Run `flask --app app keys rotate-session`.")
    if strict and any(is_placeholder(s) for s in secrets_):
        raise SigningKeyError(f"A session secret in {source} is a placeholder or too short. "
                              "Remove it and run `flask --app app keys rotate-session`.")
    return secrets_[-1], list(reversed(secrets_[:-1]))
