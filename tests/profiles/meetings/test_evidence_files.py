"""What is kept of a phone's upload: photos resized with EXIF (location) gone and the
orientation applied, HEIC read, documents kept byte for byte; lying extensions, damaged
files and decompression bombs refused. Pure: bytes in, bytes out."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from flask import Flask
from flask_babel import Babel
from PIL import Image

from profiles.enums import EvidenceKind
from profiles.meetings.evidence import EvidenceLimits, EvidenceRefused, prepare, sniff

LIMITS = EvidenceLimits(max_file_bytes=2 * 1024 * 1024, photo_longest_side=256,
                        max_pixels=4_000_000)


@pytest.fixture(autouse=True)
def _ctx():  # type: ignore[no-untyped-def]
    app = Flask(__name__)  # no database: refusals are translated when raised (English)
    Babel(app, default_locale="en")
    with app.test_request_context("/"):
        yield


def _jpeg_with_gps(size: tuple[int, int] = (1200, 600), orientation: int = 6) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((20, 20, 220), (0, 0, size[0] // 4, size[1]))  # a blue stripe on the left
    exif = Image.Exif()
    exif[0x0112] = orientation  # rotate 90° clockwise to show
    exif[0x010F] = "PhoneMaker"
    gps = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 50.0)}
    exif[0x8825] = gps
    body = io.BytesIO()
    image.save(body, "JPEG", exif=exif)
    return body.getvalue()


def test_a_photo_loses_its_exif_and_location_after_its_orientation_is_applied() -> None:
    raw = _jpeg_with_gps()
    before = Image.open(io.BytesIO(raw)).getexif()
    assert before.get_ifd(0x8825)  # the location is there to begin with
    kept = prepare("IMG_0001.JPG", raw, LIMITS)
    assert kept.kind is EvidenceKind.PHOTO and kept.content_type == "image/jpeg"
    out = Image.open(io.BytesIO(kept.data))
    assert not out.getexif() and "exif" not in out.info
    assert b"PhoneMaker" not in kept.data and b"Exif" not in kept.data[:200]
    # Orientation 6 turned the 1200x600 landscape upright, then it was scaled to 256.
    assert out.size == (128, 256)
    top = out.convert("RGB").getpixel((64, 5))
    assert top[2] > 150 and top[0] < 100  # the blue stripe is now at the top
    assert kept.thumbnail is not None and max(Image.open(io.BytesIO(kept.thumbnail)).size) <= 320


def test_a_png_stays_png_and_a_small_photo_is_not_enlarged() -> None:
    body = io.BytesIO()
    Image.new("RGBA", (100, 50), (0, 0, 0, 0)).save(body, "PNG")
    kept = prepare("截图.png", body.getvalue(), LIMITS)
    out = Image.open(io.BytesIO(kept.data))
    assert (kept.content_type, out.format, out.size, out.mode) == ("image/png", "PNG",
                                                                   (100, 50), "RGBA")


def test_heic_from_an_iphone_is_kept_as_jpeg() -> None:
    body = io.BytesIO()
    Image.new("RGB", (640, 480), (10, 200, 10)).save(body, "HEIF")
    assert sniff(body.getvalue()) == "heic"
    kept = prepare("IMG_4242.HEIC", body.getvalue(), LIMITS)
    out = Image.open(io.BytesIO(kept.data))
    assert (kept.content_type, kept.extension, out.format, out.size) == (
        "image/jpeg", ".jpg", "JPEG", (256, 192))


def _bomb() -> bytes:
    """A 1x1 PNG whose header is rewritten to declare 20000 x 20000 pixels (400 megapixels):
    what a decompression bomb looks like to the reader of its header."""
    body = io.BytesIO()
    Image.new("1", (1, 1)).save(body, "PNG")
    data = bytearray(body.getvalue())
    ihdr = 8  # after the signature: length (4), "IHDR" (4), width, height, ...
    data[ihdr + 8:ihdr + 16] = struct.pack(">II", 20000, 20000)
    crc = zlib.crc32(bytes(data[ihdr + 4:ihdr + 8 + 13]))
    data[ihdr + 8 + 13:ihdr + 8 + 17] = struct.pack(">I", crc)
    return bytes(data)


def test_a_decompression_bomb_is_refused_before_it_is_decoded() -> None:
    bomb = _bomb()
    assert len(bomb) < 200_000
    with pytest.raises(EvidenceRefused, match="megapixels"):
        prepare("bomb.png", bomb, LIMITS)
    # Past Pillow's own limit too (its warning would otherwise be the only guard).
    with pytest.raises(EvidenceRefused, match="megapixels"):
        prepare("bomb.png", bomb, EvidenceLimits(max_pixels=10**10))


def test_a_file_whose_extension_lies_is_refused() -> None:
    body = io.BytesIO()
    Image.new("RGB", (10, 10)).save(body, "JPEG")
    with pytest.raises(EvidenceRefused, match="not what its name says"):
        prepare("会议纪要.pdf", body.getvalue(), LIMITS)  # a JPEG called .pdf
    with pytest.raises(EvidenceRefused, match="not what its name says"):
        prepare("photo.jpg", b"%PDF-1.7\n...", LIMITS)  # a PDF called .jpg
    with pytest.raises(EvidenceRefused, match="not what its name says"):
        prepare("tool.docx", b"MZ\x90\x00" + b"\x00" * 100, LIMITS)  # a program called .docx
    with pytest.raises(EvidenceRefused, match="not a kind of file"):
        prepare("setup.exe", b"MZ\x90\x00", LIMITS)


def test_documents_are_kept_as_they_are() -> None:
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    kept = prepare("签到表.PDF", pdf, LIMITS)
    assert (kept.kind, kept.content_type, kept.data, kept.thumbnail) == (
        EvidenceKind.DOCUMENT, "application/pdf", pdf, None)
    body = io.BytesIO()
    with zipfile.ZipFile(body, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    kept = prepare("发言稿.docx", body.getvalue(), LIMITS)
    assert kept.content_type.endswith("wordprocessingml.document")
    assert kept.data == body.getvalue()
    with pytest.raises(EvidenceRefused, match="not what its name says"):
        prepare("表格.xlsx", body.getvalue(), LIMITS)  # a Word file called .xlsx


def test_the_size_cap_and_a_damaged_photo() -> None:
    with pytest.raises(EvidenceRefused, match="at most 2 MB"):
        prepare("big.pdf", b"%PDF-" + b"0" * (2 * 1024 * 1024), LIMITS)
    with pytest.raises(EvidenceRefused, match="empty"):
        prepare("empty.jpg", b"", LIMITS)
    with pytest.raises(EvidenceRefused, match="cannot be read"):
        prepare("cut.jpg", _jpeg_with_gps()[:300], LIMITS)


def test_limits_come_from_the_config_with_documented_defaults() -> None:
    assert EvidenceLimits.from_config({}) == EvidenceLimits()
    limits = EvidenceLimits.from_config({"EVIDENCE_MAX_FILE_MB": 5, "EVIDENCE_QUOTA_MB": 1,
                                         "EVIDENCE_MAX_FILES_PER_MEETING": 3})
    assert (limits.max_file_bytes, limits.quota_bytes, limits.max_files_per_meeting) == (
        5 * 1024 * 1024, 1024 * 1024, 3)
