"""A meeting's evidence files as uploaded from a phone: what a file really is, and what is
kept of it. Bytes in, bytes out; no database, no store.

- Photos (JPEG, PNG, HEIC/HEIF): the orientation is applied, then every metadata block
  (EXIF with its GPS location, XMP, ICC comments) is dropped; the photo is scaled down to
  ``photo_longest_side`` and re-encoded (HEIC as JPEG, which every browser shows), with a
  JPEG thumbnail for the console.
- Documents (PDF, Word, Excel, PowerPoint, OpenDocument): kept byte for byte.
- The type is read from the bytes (magic numbers) and must agree with the file name's
  extension: a file whose extension lies is refused.
- An image whose header claims more than ``max_pixels`` pixels is refused before it is
  decoded (a decompression bomb: a small file that would fill the memory).
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import UserError
from profiles.enums import EvidenceKind

try:  # HEIC, the iPhone's camera format (pillow-heif; without it HEIC is refused)
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIC = True
except ImportError:  # pragma: no cover - pillow-heif is a dependency
    HEIC = False

CONFIG_DEFAULTS: dict[str, Any] = {
    "EVIDENCE_MAX_FILE_MB": 20,  # one uploaded file, before resizing
    "EVIDENCE_MAX_FILES_PER_MEETING": 30,
    "EVIDENCE_QUOTA_MB": 2048,  # all files kept for one organisation (党委)
    "EVIDENCE_PHOTO_LONGEST_SIDE": 2048,
    "EVIDENCE_MAX_MEGAPIXELS": 50,  # a photo claiming more is refused undecoded
}
THUMB_SIDE = 320
MB = 1024 * 1024


class EvidenceRefused(UserError):
    """An upload that is not kept, with what to do about it (translated when raised)."""

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid = msgid
        super().__init__(gettext(msgid, **params))


@dataclass(frozen=True)
class EvidenceLimits:
    """The caps on uploads (documented in docs/evidence.md)."""

    max_file_bytes: int = 20 * MB
    max_files_per_meeting: int = 30
    quota_bytes: int = 2048 * MB
    photo_longest_side: int = 2048
    max_pixels: int = 50_000_000

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> EvidenceLimits:
        def get(key: str) -> Any:
            return config.get(key, CONFIG_DEFAULTS[key])

        return cls(max_file_bytes=int(float(get("EVIDENCE_MAX_FILE_MB")) * MB),
                   max_files_per_meeting=int(get("EVIDENCE_MAX_FILES_PER_MEETING")),
                   quota_bytes=int(float(get("EVIDENCE_QUOTA_MB")) * MB),
                   photo_longest_side=int(get("EVIDENCE_PHOTO_LONGEST_SIDE")),
                   max_pixels=int(float(get("EVIDENCE_MAX_MEGAPIXELS")) * 1_000_000))


@dataclass(frozen=True)
class Prepared:
    """What is kept of an upload: the bytes, their type, the extension, a thumbnail."""

    kind: EvidenceKind
    content_type: str
    extension: str
    data: bytes
    thumbnail: bytes | None = None


# The types kept, by what the bytes say; each with the extensions it may carry.
PHOTO_TYPES = {"jpeg": ("image/jpeg", (".jpg", ".jpeg", ".jfif")),
               "png": ("image/png", (".png",)),
               "heic": ("image/heic", (".heic", ".heif"))}
DOCUMENT_TYPES = {
    "pdf": ("application/pdf", (".pdf",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             (".docx",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",
             (".pptx",)),
    "ole": ("application/octet-stream", (".doc", ".xls", ".ppt", ".wps", ".et", ".dps")),
    "odt": ("application/vnd.oasis.opendocument.text", (".odt",)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", (".ods",)),
    "odp": ("application/vnd.oasis.opendocument.presentation", (".odp",)),
}
OLE_TYPES = {".doc": "application/msword", ".xls": "application/vnd.ms-excel",
             ".ppt": "application/vnd.ms-powerpoint", ".wps": "application/vnd.ms-works",
             ".et": "application/vnd.ms-excel", ".dps": "application/vnd.ms-powerpoint"}
ALLOWED_EXTENSIONS = tuple(sorted(
    ext for _, exts in (*PHOTO_TYPES.values(), *DOCUMENT_TYPES.values()) for ext in exts))
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs",
                b"mif1", b"msf1"}
_OOXML = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}


def sniff(data: bytes) -> str | None:
    """What the bytes are (a key of PHOTO_TYPES or DOCUMENT_TYPES), or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "heic"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    return None


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                mime = archive.read("mimetype")[:100].decode("ascii", "replace")
                for kind in ("odt", "ods", "odp"):
                    if mime == DOCUMENT_TYPES[kind][0]:
                        return kind
            if "[Content_Types].xml" in names:
                for prefix, kind in _OOXML.items():
                    if any(n.startswith(prefix) for n in names):
                        return kind
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None


def extension_of(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def prepare(name: str, data: bytes, limits: EvidenceLimits) -> Prepared:
    """Check an upload and make what is kept of it; raises :class:`EvidenceRefused`."""
    if not data:
        raise EvidenceRefused("The file %(name)s is empty; choose the file again.", name=name)
    if len(data) > limits.max_file_bytes:
        raise EvidenceRefused(
            "The file %(name)s is %(size)s MB; at most %(limit)s MB is kept per file. Send a "
            "smaller photo or split the document.", name=name,
            size=f"{len(data) / MB:.1f}", limit=f"{limits.max_file_bytes / MB:g}")
    ext = extension_of(name)
    kind = sniff(data)
    if ext not in ALLOWED_EXTENSIONS:
        raise EvidenceRefused(
            "%(name)s is not a kind of file kept here. Attach photos (JPEG, PNG, HEIC), PDF "
            "or Office files.", name=name)
    if kind is None or ext not in {**PHOTO_TYPES, **DOCUMENT_TYPES}[kind][1]:
        raise EvidenceRefused(
            "%(name)s is not what its name says (its contents are not a %(ext)s file). "
            "Open it on the phone and save it again as what it is.", name=name, ext=ext)
    if kind in PHOTO_TYPES:
        if kind == "heic" and not HEIC:  # pragma: no cover
            raise EvidenceRefused("HEIC photos cannot be read here; send the photo as JPEG.")
        return _photo(name, data, kind, limits)
    content_type = OLE_TYPES[ext] if kind == "ole" else DOCUMENT_TYPES[kind][0]
    return Prepared(EvidenceKind.DOCUMENT, content_type, ext, data)


def _photo(name: str, data: bytes, kind: str, limits: EvidenceLimits) -> Prepared:
    bomb = EvidenceRefused(
        "The photo %(name)s claims more than %(limit)s megapixels, more than any phone "
        "takes; it is refused unread. Send the photo as the camera took it.",
        name=name, limit=f"{limits.max_pixels / 1_000_000:g}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
            width, height = image.size
            if width * height > limits.max_pixels or width <= 0 or height <= 0:
                raise bomb
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise bomb from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise EvidenceRefused("The photo %(name)s cannot be read (the file is damaged or cut "
                              "short); take or send it again.", name=name) from error
    upright = ImageOps.exif_transpose(image)  # the orientation, before EXIF goes
    keep_png = kind == "png"
    mode = ("RGBA" if upright.mode in ("RGBA", "LA", "P") else "RGB") if keep_png else "RGB"
    clean = upright.convert(mode)
    clean.info = {}  # no EXIF (GPS), XMP, ICC, comments
    clean.thumbnail((limits.photo_longest_side,) * 2, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if keep_png:
        clean.save(out, "PNG", optimize=True)
        content_type, ext = "image/png", ".png"
    else:
        clean.save(out, "JPEG", quality=85, optimize=True)
        content_type, ext = "image/jpeg", ".jpg"
    thumb = clean.convert("RGB")
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    thumb_out = io.BytesIO()
    thumb.save(thumb_out, "JPEG", quality=80)
    return Prepared(EvidenceKind.PHOTO, content_type, ext, out.getvalue(), thumb_out.getvalue())
