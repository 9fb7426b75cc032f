"""Finding a real CJK font: the configured file or family, else one fontconfig knows."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from print.errors import PrintError

INSTALL_HINT = (
    "install one (Debian/Ubuntu: sudo apt-get install fonts-noto-cjk; "
    "Fedora: sudo dnf install google-noto-sans-cjk-fonts) or set CJK_FONT "
    "to a font file or family that covers Chinese"
)
# Families tried first, best for Simplified Chinese; any other zh family is a fallback.
PREFERRED = ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "AR PL UMing CN")
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc", ".woff", ".woff2")
COLLECTIONS = (".ttc", ".otc")

Runner = Callable[[Sequence[str]], str]


@dataclass(frozen=True)
class CJKFont:
    """A font to set Chinese in: a fontconfig family, or a file served through the fetcher."""

    family: str
    path: Path | None = None  # set when the font is a file given in CJK_FONT


def _run(args: Sequence[str]) -> str:
    if shutil.which(args[0]) is None:
        return ""
    done = subprocess.run(list(args), capture_output=True, text=True, timeout=30, check=False)
    return done.stdout if done.returncode == 0 else ""


def zh_families(run: Runner = _run) -> list[str]:
    """Families fontconfig lists as covering Chinese, preferred ones first."""
    found: set[str] = set()
    for line in run(["fc-list", ":lang=zh", "family"]).splitlines():
        found.update(name.strip() for name in line.split(",") if name.strip())
    preferred = [name for name in PREFERRED if name in found]
    return preferred + sorted(found - set(preferred))


def find_cjk_font(configured: str | None = None, run: Runner = _run) -> CJKFont:
    """The font to print with, or a PrintError that says how to install one."""
    if configured:
        if configured.lower().endswith(FONT_SUFFIXES) or "/" in configured:
            path = Path(configured).expanduser()
            if not path.is_file():
                raise PrintError(f"CJK_FONT file {configured} does not exist; {INSTALL_HINT}")
            if path.suffix.lower() in COLLECTIONS:
                return _collection_face(path, run)
            langs = run(["fc-scan", "--format", "%{lang}", str(path)])
            if shutil.which("fc-scan") and "zh" not in langs:
                raise PrintError(f"CJK_FONT file {configured} does not cover Chinese; "
                                 f"{INSTALL_HINT}")
            return CJKFont(family="Partycard CJK", path=path.resolve())
        families = zh_families(run)
        if configured not in families:
            raise PrintError(
                f"CJK_FONT family {configured!r} is not installed or does not cover "
                f"Chinese; {INSTALL_HINT}"
            )
        return CJKFont(family=configured)
    families = zh_families(run)
    if not families:
        raise PrintError(f"no font that covers Chinese is installed; {INSTALL_HINT}")
    return CJKFont(family=families[0])


def _collection_face(path: Path, run: Runner) -> CJKFont:
    """The Simplified Chinese face of an installed collection, by family name.

    Loaded as a file, a collection gives its first face, often the Japanese one (other
    glyph shapes for many hanzi); by family, fontconfig picks the right face.
    """
    faces = run(["fc-scan", "--format", "%{family[0]}\n", str(path)]).splitlines()
    installed = set(zh_families(run))
    for family in [f for f in PREFERRED if f in faces] + faces:
        if family in installed and family.endswith(("SC", "CN")):
            return CJKFont(family=family)
    raise PrintError(
        f"CJK_FONT {path} is a font collection whose Simplified Chinese face fontconfig does "
        "not know; give a single-face .otf/.ttf file or an installed family name instead"
    )
