"""Compact signed tokens: kind, record id and card generation, and nothing personal.

A token is the Base32 text of ``payload + signature``. The payload is one kind byte and
two unsigned LEB128 varints (id, generation); the signature is an HMAC-SHA256 truncated
to 96 bits, made with itsdangerous (one salt per kind, key rotation by key list). Base32
keeps the whole URL inside the QR alphanumeric alphabet, so a code stays at version 3.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from typing import Literal

from itsdangerous import Signer
from itsdangerous.encoding import base64_decode, base64_encode
from itsdangerous.signer import HMACAlgorithm

Kind = Literal["member", "branch"]
KINDS: tuple[Kind, ...] = ("member", "branch")
_KIND_BYTE: dict[Kind, int] = {"member": 0x4D, "branch": 0x42}
SIGNATURE_BYTES = 12  # 96 bits: forging one still takes ~2^95 online guesses
# The Base32 alphabet in either ASCII case, checked before any case folding: str.upper()
# maps "ſ" to "S" and "ı" to "I", and strip() eats spaces, tabs and NBSP, which would let
# one card open from many spellings.
_SPELLING = re.compile(r"[A-Za-z2-7]{1,64}")


class BadToken(Exception):
    """The token is forged, garbled, truncated or of another kind. Never say which."""


@dataclass(frozen=True)
class TokenData:
    """What a valid token says."""

    kind: Kind
    record_id: int
    generation: int


class _TruncatedHMAC(HMACAlgorithm):
    """HMAC-SHA256 cut to ``SIGNATURE_BYTES``; compared in constant time by itsdangerous."""

    def __init__(self) -> None:
        super().__init__(hashlib.sha256)

    def get_signature(self, key: bytes, value: bytes) -> bytes:
        return super().get_signature(key, value)[:SIGNATURE_BYTES]


def _signer(keys: list[str], kind: Kind) -> Signer:
    # itsdangerous signs with the last key and verifies against all of them.
    return Signer(
        keys,
        salt=f"partycard.card.{kind}",
        key_derivation="hmac",
        digest_method=hashlib.sha256,
        algorithm=_TruncatedHMAC(),
    )


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while pos < len(data) and shift < 64:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            # Reject non-minimal encodings so every record has exactly one token.
            if byte == 0 and shift:
                raise BadToken
            return value, pos
        shift += 7
    raise BadToken


def make_token(keys: list[str], kind: Kind, record_id: int, generation: int) -> str:
    """Sign ``(kind, record_id, generation)`` into an uppercase Base32 token."""
    if record_id < 0 or generation < 1:
        raise ValueError("record id must be >= 0 and generation >= 1")
    payload = bytes([_KIND_BYTE[kind]]) + _varint(record_id) + _varint(generation)
    signature = base64_decode(_signer(keys, kind).get_signature(payload))
    return base64.b32encode(payload + signature).decode("ascii").rstrip("=")


def read_token(keys: list[str], kind: Kind, token: str) -> TokenData:
    """Verify a token of ``kind`` (case-insensitively) or raise :class:`BadToken`."""
    if not _SPELLING.fullmatch(token):
        raise BadToken
    text = token.upper()
    try:
        raw = base64.b32decode(text + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError):
        raise BadToken from None
    # Base32 leaves spare bits in the last character; only the canonical spelling is valid,
    # so no two different strings open the same page.
    if base64.b32encode(raw).decode("ascii").rstrip("=") != text:
        raise BadToken
    if len(raw) < SIGNATURE_BYTES + 3:
        raise BadToken
    payload, signature = raw[:-SIGNATURE_BYTES], raw[-SIGNATURE_BYTES:]
    if not _signer(keys, kind).verify_signature(payload, base64_encode(signature)):
        raise BadToken
    if payload[0] != _KIND_BYTE[kind]:
        raise BadToken
    record_id, pos = _read_varint(payload, 1)
    generation, pos = _read_varint(payload, pos)
    if pos != len(payload) or generation < 1:
        raise BadToken
    return TokenData(kind, record_id, generation)
