"""Find, verify and register a Vietnamese-capable TrueType family with reportlab."""

from __future__ import annotations

import os
import sys
import threading
import unicodedata
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

ENV_FONT_DIR = "MOTCUA_FONT_DIR"
BUNDLED_DIR = Path(__file__).with_name("fonts")

_BASES = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")


def _vietnamese_letters() -> str:
    """Return every precomposed Vietnamese letter, both cases, plus đ/Đ."""
    lower = {unicodedata.normalize("NFC", base + tone) for base in _BASES for tone in _TONES}
    lower.add("đ")
    return "".join(sorted(lower | {c.upper() for c in lower}))


VIETNAMESE_CHARS = _vietnamese_letters()


@dataclass(frozen=True)
class FamilySpec:
    """A font family we know, by the file names of its four styles (case-insensitive)."""

    label: str
    regular: tuple[str, ...]
    bold: tuple[str, ...]
    italic: tuple[str, ...] = ()
    bold_italic: tuple[str, ...] = ()
    scale: float = 1.0  # type size relative to Times New Roman / Arial for the same look


SERIF_FAMILIES: tuple[FamilySpec, ...] = (
    # Windows names first, then macOS names.
    FamilySpec("Times New Roman", ("times.ttf", "Times New Roman.ttf"),
               ("timesbd.ttf", "Times New Roman Bold.ttf"),
               ("timesi.ttf", "Times New Roman Italic.ttf"),
               ("timesbi.ttf", "Times New Roman Bold Italic.ttf")),
    FamilySpec("DejaVu Serif", ("DejaVuSerif.ttf",), ("DejaVuSerif-Bold.ttf",),
               ("DejaVuSerif-Italic.ttf",), ("DejaVuSerif-BoldItalic.ttf",), 0.88),
    FamilySpec("Liberation Serif", ("LiberationSerif-Regular.ttf",), ("LiberationSerif-Bold.ttf",),
               ("LiberationSerif-Italic.ttf",), ("LiberationSerif-BoldItalic.ttf",)),
    FamilySpec("Noto Serif", ("NotoSerif-Regular.ttf",), ("NotoSerif-Bold.ttf",),
               ("NotoSerif-Italic.ttf",), ("NotoSerif-BoldItalic.ttf",), 0.92),
)

SANS_FAMILIES: tuple[FamilySpec, ...] = (
    FamilySpec("Arial", ("arial.ttf",), ("arialbd.ttf", "Arial Bold.ttf"),
               ("ariali.ttf", "Arial Italic.ttf"), ("arialbi.ttf", "Arial Bold Italic.ttf")),
    FamilySpec("DejaVu Sans", ("DejaVuSans.ttf",), ("DejaVuSans-Bold.ttf",),
               ("DejaVuSans-Oblique.ttf",), ("DejaVuSans-BoldOblique.ttf",), 0.9),
    FamilySpec("Liberation Sans", ("LiberationSans-Regular.ttf",), ("LiberationSans-Bold.ttf",),
               ("LiberationSans-Italic.ttf",), ("LiberationSans-BoldItalic.ttf",)),
    FamilySpec("Noto Sans", ("NotoSans-Regular.ttf",), ("NotoSans-Bold.ttf",),
               ("NotoSans-Italic.ttf",), ("NotoSans-BoldItalic.ttf",), 0.95),
)


@dataclass(frozen=True)
class FontFamily:
    """A registered reportlab family: use `name` in styles; <b>/<i> map to the others."""

    name: str
    label: str
    regular: str
    bold: str
    italic: str
    bold_italic: str
    scale: float = 1.0


@dataclass(frozen=True)
class Fonts:
    """The serif family for forms and the sans family for slips (one may stand in for the other)."""

    serif: FontFamily
    sans: FontFamily


class FontNotFound(RuntimeError):
    """No Vietnamese-capable TrueType family was found; `searched` lists the folders tried."""

    def __init__(self, searched: Sequence[Path]) -> None:
        self.searched = tuple(searched)
        where = "\n".join(f"  - {p}" for p in self.searched) or "  (không có thư mục nào)"
        super().__init__(
            "Không tìm thấy phông chữ TrueType hỗ trợ tiếng Việt (cần Times New Roman, Arial, "
            "DejaVu, Liberation hoặc Noto, đủ bản thường và đậm).\n"
            f"Đã tìm trong:\n{where}\n"
            f"Cách khắc phục: chép các tệp .ttf (ví dụ times.ttf, timesbd.ttf, timesi.ttf, "
            f"timesbi.ttf) vào một thư mục rồi đặt biến môi trường {ENV_FONT_DIR} trỏ tới thư mục "
            "đó, hoặc cài gói phông DejaVu/Noto cho hệ điều hành."
        )


def system_font_dirs() -> tuple[Path, ...]:
    """Return the usual font folders of Windows, macOS and Linux, plus the bundled folder."""
    home = Path.home()
    dirs = [BUNDLED_DIR]
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        local = Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local"))
        dirs += [windir / "Fonts", local / "Microsoft" / "Windows" / "Fonts"]
    elif sys.platform == "darwin":
        dirs += [home / "Library" / "Fonts", Path("/Library/Fonts"),
                 Path("/System/Library/Fonts/Supplemental"), Path("/System/Library/Fonts")]
    else:
        dirs += [home / ".local" / "share" / "fonts", home / ".fonts",
                 Path("/usr/local/share/fonts"), Path("/usr/share/fonts")]
    return tuple(dirs)


def env_font_dirs(env: Mapping[str, str] | None = None) -> tuple[Path, ...]:
    """Return the folders named by MOTCUA_FONT_DIR (os.pathsep-separated)."""
    raw = (os.environ if env is None else env).get(ENV_FONT_DIR, "")
    return tuple(Path(part) for part in raw.split(os.pathsep) if part.strip())


def _index_files(dirs: Iterable[Path]) -> dict[str, Path]:
    """Map lower-cased .ttf file names to their first path, walking folders in order."""
    index: dict[str, Path] = {}
    for folder in dirs:
        if not folder.is_dir():
            continue
        for root, _subdirs, files in os.walk(folder):
            for name in files:
                if name.lower().endswith(".ttf"):
                    index.setdefault(name.lower(), Path(root) / name)
    return index


def _pick(index: Mapping[str, Path], names: Sequence[str]) -> Path | None:
    """Return the first of `names` present in the index."""
    for name in names:
        if name.lower() in index:
            return index[name.lower()]
    return None


_lock = threading.RLock()
_loaded: dict[Path, TTFont | None] = {}


def _load(path: Path) -> TTFont | None:
    """Parse and register one font file once; None if unreadable or lacking Vietnamese."""
    key = path.resolve()
    if key not in _loaded:
        name = f"MotCua-{key.stem}-{zlib.crc32(str(key).encode()):08x}"
        try:
            font = TTFont(name, str(key))
        except (TTFError, OSError, ValueError, KeyError, IndexError):  # broken file: skip it
            font = None
        if font is not None and not covers(font, VIETNAMESE_CHARS):
            font = None
        if font is not None:
            pdfmetrics.registerFont(font)
        _loaded[key] = font
    return _loaded[key]


def covers(font: TTFont, chars: str) -> bool:
    """Return True if the font's cmap has a glyph for every character."""
    cmap = font.face.charToGlyph
    return all(ord(ch) in cmap for ch in chars)


def _family(spec: FamilySpec, index: Mapping[str, Path]) -> FontFamily | None:
    """Register one family if its regular and bold files exist and cover Vietnamese."""
    paths = [_pick(index, names) for names in (spec.regular, spec.bold, spec.italic,
                                               spec.bold_italic)]
    if paths[0] is None or paths[1] is None:
        return None
    fonts = [_load(p) if p is not None else None for p in paths]
    regular, bold = fonts[0], fonts[1]
    if regular is None or bold is None:
        return None
    italic = fonts[2] or regular
    bold_italic = fonts[3] or bold
    names = (regular.fontName, bold.fontName, italic.fontName, bold_italic.fontName)
    return _register_family(spec, *names)


def _register_family(spec: FamilySpec, regular: str, bold: str, italic: str,
                     bold_italic: str) -> FontFamily:
    """Register a reportlab family, named after its regular face, so <b>/<i> pick the right faces."""
    for bold_flag, italic_flag, face in ((0, 0, regular), (1, 0, bold), (0, 1, italic),
                                         (1, 1, bold_italic)):
        addMapping(regular, bold_flag, italic_flag, face)
    return FontFamily(regular, spec.label, regular, bold, italic, bold_italic, spec.scale)


def _first(specs: Sequence[FamilySpec], index: Mapping[str, Path]) -> FontFamily | None:
    """Return the first family of `specs` that is present and usable."""
    for spec in specs:
        family = _family(spec, index)
        if family is not None:
            return family
    return None


@dataclass(frozen=True)
class FontFiles:
    """Explicit font files for one family; italic faces fall back to regular/bold when absent."""

    regular: Path
    bold: Path
    italic: Path | None = None
    bold_italic: Path | None = None
    label: str = "configured"
    scale: float = 1.0


def _explicit(files: FontFiles) -> FontFamily | None:
    """Register an explicitly given family, or None if it lacks Vietnamese or cannot be read."""
    paths = [files.regular, files.bold, files.italic, files.bold_italic]
    index = {p.name.lower(): p for p in paths if p is not None and p.is_file()}
    regular, bold, italic, bold_italic = ((p.name,) if p else () for p in paths)
    spec = FamilySpec(files.label, regular, bold, italic, bold_italic, files.scale)
    return _family(spec, index)


def find_fonts(font_dirs: Sequence[str | Path] = (), *, files: FontFiles | None = None,
               system_dirs: Sequence[Path] | None = None,
               env: Mapping[str, str] | None = None) -> Fonts:
    """Find and register fonts: explicit files, then font_dirs and MOTCUA_FONT_DIR, then system."""
    configured = [Path(d) for d in font_dirs] + list(env_font_dirs(env))
    system = list(system_font_dirs() if system_dirs is None else system_dirs)
    with _lock:
        serif = sans = _explicit(files) if files else None
        for tier in (configured, system):  # a configured folder beats the system's fonts
            index = _index_files(tier)
            serif = serif or _first(SERIF_FAMILIES, index)
            sans = sans or _first(SANS_FAMILIES, index)
    if serif is not None:
        return Fonts(serif=serif, sans=sans or serif)
    if sans is not None:
        return Fonts(serif=sans, sans=sans)
    searched = ([files.regular.parent] if files else []) + configured + system
    raise FontNotFound(searched)


_default: Fonts | None = None


def default_fonts() -> Fonts:
    """Return the process-wide fonts, searching and registering them on first use."""
    global _default
    with _lock:
        if _default is None:
            _default = find_fonts()
        return _default


def configure_fonts(font_dirs: Sequence[str | Path] = (), *,
                    files: FontFiles | None = None) -> Fonts:
    """Search again with extra folders or files first; make the result the process-wide default."""
    global _default
    fonts = find_fonts(font_dirs, files=files)
    with _lock:
        _default = fonts
    return fonts
