"""Font discovery: Vietnamese coverage is verified, search locations are injectable."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
import reportlab
from reportlab.pdfbase.pdfmetrics import stringWidth

from printing.fonts import (
    ENV_FONT_DIR,
    VIETNAMESE_CHARS,
    FontFiles,
    FontNotFound,
    Fonts,
    find_fonts,
    system_font_dirs,
)
from printing.receipt import render_receipt

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
SERIF_FILES = ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf",
               "DejaVuSerif-BoldItalic.ttf")
VERA = Path(reportlab.__file__).parent / "fonts"
needs_dejavu = pytest.mark.skipif(not (DEJAVU / SERIF_FILES[0]).exists(),
                                  reason="DejaVu fonts not installed")


def test_vietnamese_charset_has_all_letters() -> None:
    for ch in "ẮẰẲẴẶăâđêôơưĐƯƠỹ":
        assert ch in VIETNAMESE_CHARS
    assert len(VIETNAMESE_CHARS) == 146  # 12 vowels x 6 tones + đ, both cases


def test_empty_dir_and_no_system_fallback_raises(tmp_path: Path) -> None:
    with pytest.raises(FontNotFound) as caught:
        find_fonts([tmp_path], system_dirs=(), env={})
    assert caught.value.searched == (tmp_path,)
    assert ENV_FONT_DIR in str(caught.value)


def test_font_without_vietnamese_is_rejected(tmp_path: Path) -> None:
    # Bitstream Vera (shipped with reportlab) has no ơ/ư/ặ: named as DejaVu it must still fail.
    shutil.copy(VERA / "Vera.ttf", tmp_path / "DejaVuSerif.ttf")
    shutil.copy(VERA / "VeraBd.ttf", tmp_path / "DejaVuSerif-Bold.ttf")
    with pytest.raises(FontNotFound):
        find_fonts([tmp_path], system_dirs=(), env={})


@needs_dejavu
def test_configured_dir_is_found_and_sans_falls_back_to_serif(tmp_path: Path) -> None:
    for name in SERIF_FILES:
        shutil.copy(DEJAVU / name, tmp_path / name.lower())  # Windows-style lower-case names
    fonts = find_fonts([tmp_path], system_dirs=(), env={})
    assert fonts.serif.label == "DejaVu Serif"
    assert fonts.sans == fonts.serif


@needs_dejavu
def test_env_var_dir_is_searched(tmp_path: Path) -> None:
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        shutil.copy(DEJAVU / name, nested / name)
    fonts = find_fonts(system_dirs=(), env={ENV_FONT_DIR: str(tmp_path)})
    assert fonts.sans.label == "DejaVu Sans"
    assert fonts.sans.italic == fonts.sans.regular  # missing italic falls back to regular


@needs_dejavu
def test_injected_fonts_render_a_receipt(tmp_path: Path) -> None:
    from printing_sample_data import receipt

    for name in SERIF_FILES:
        shutil.copy(DEJAVU / name, tmp_path / name)
    fonts = find_fonts([tmp_path], system_dirs=(), env={})
    assert render_receipt(receipt(), fonts=fonts).startswith(b"%PDF")


@needs_dejavu
def test_registration_is_idempotent_and_thread_safe() -> None:
    results: list[Fonts] = []

    def work() -> None:
        results.append(find_fonts(system_dirs=[DEJAVU], env={}))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and len(set(results)) == 1


def test_system_dirs_include_bundled_folder() -> None:
    assert Path(__file__).resolve().parents[2] / "printing" / "fonts" in system_font_dirs()


@needs_dejavu
def test_explicit_files_are_used_first(tmp_path: Path) -> None:
    regular, bold = tmp_path / "MyFace.ttf", tmp_path / "MyFace-Bold.ttf"
    shutil.copy(DEJAVU / "DejaVuSans.ttf", regular)
    shutil.copy(DEJAVU / "DejaVuSans-Bold.ttf", bold)
    fonts = find_fonts(files=FontFiles(regular, bold, label="Mine"), system_dirs=[DEJAVU], env={})
    assert fonts.serif.label == fonts.sans.label == "Mine"


@needs_dejavu
def test_configured_folder_beats_system_fonts(tmp_path: Path) -> None:
    # Condensed faces under the regular file names: their narrower widths reveal which one won.
    shutil.copy(DEJAVU / "DejaVuSansCondensed.ttf", tmp_path / "DejaVuSans.ttf")
    shutil.copy(DEJAVU / "DejaVuSansCondensed-Bold.ttf", tmp_path / "DejaVuSans-Bold.ttf")
    configured = find_fonts([tmp_path], system_dirs=[DEJAVU], env={})
    system = find_fonts(system_dirs=[DEJAVU], env={})
    sample = "Nguyễn Thị Hồng Nhung"
    assert stringWidth(sample, configured.sans.regular, 10) < stringWidth(
        sample, system.sans.regular, 10)
    assert configured.serif == system.serif  # serif still comes from the system


def test_explicit_files_without_vietnamese_raise(tmp_path: Path) -> None:
    with pytest.raises(FontNotFound):
        find_fonts(files=FontFiles(VERA / "Vera.ttf", VERA / "VeraBd.ttf"), system_dirs=(), env={})
