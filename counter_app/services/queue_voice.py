"""Spoken calls from recorded clips: choose the clips of a call and join them with ``wave``.

The hall display prefers a Vietnamese text-to-speech voice (ui/queue/speech.py); without one it
plays a chime followed by clips joined here: phrases, letters and number words, each a WAV file
of one folder. The ward can record its own voice into a folder of the same file names; a clip
missing there is taken from the default set. All clips of one call must share one format
(rate, channels, sample width): joining refuses mixed formats with ClipFormatMismatch rather
than play them at the wrong speed, and the display then falls back to the chime alone.
"""

from __future__ import annotations

import io
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from counter_app.domain.queue import (
    COUNTER_PHRASE,
    DIGITS,
    INVITE_PHRASE,
    LETTER_NAMES,
    SpokenCall,
)

DEFAULT_VOICE_DIR = Path(__file__).resolve().parents[1] / "data" / "voice" / "vi"
CHIME_FILE = "chime.wav"
GAP_MS = 40  # between words; the clips are trimmed, so a small gap keeps the rhythm natural

# Number words to ASCII file names (Windows and zip tools mangle non-ASCII names).
WORD_FILES = {
    "không": "khong", "một": "mot", "hai": "hai", "ba": "ba", "bốn": "bon", "năm": "nam",
    "sáu": "sau", "bảy": "bay", "tám": "tam", "chín": "chin", "mười": "muoi",
    "mươi": "muoi_ngang", "mốt": "mot_sac", "tư": "tu", "lăm": "lam", "linh": "linh",
    "lẻ": "le", "trăm": "tram",
}
PHRASE_TEXT = {"phrase:invite": INVITE_PHRASE, "phrase:counter": COUNTER_PHRASE}
CLIP_TEXT: dict[str, str] = {
    **PHRASE_TEXT,
    **{f"letter:{k}": v for k, v in LETTER_NAMES.items()},
    **{w: w for w in (*DIGITS, "mười", "mươi", "mốt", "tư", "lăm", "linh", "lẻ", "trăm")},
}


class ClipsMissing(LookupError):
    """Some clips of a call are in none of the folders."""

    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = tuple(missing)
        super().__init__("Thiếu tệp âm thanh: " + ", ".join(self.missing))


class ClipFormatMismatch(ValueError):
    """Clips differ in sample rate, channels or sample width."""

    def __init__(self, path: Path, got: tuple[int, int, int], want: tuple[int, int, int]) -> None:
        self.path = path
        self.got = got
        self.want = want
        super().__init__(
            f"Tệp âm thanh {path.name} có định dạng {_fmt(got)}, khác {_fmt(want)} của các tệp "
            "khác; hãy chuyển tất cả về cùng định dạng (ví dụ 16 kHz, mono, 16 bit)."
        )


def _fmt(f: tuple[int, int, int]) -> str:
    rate, channels, width = f
    return f"{rate} Hz, {channels} kênh, {8 * width} bit"


def clip_file(token: str) -> str:
    """The file name of a token: 'phrase:invite' → moi_cong_dan.wav, 'letter:A' → chu_a.wav."""
    if token == "phrase:invite":
        return "moi_cong_dan.wav"
    if token == "phrase:counter":
        return "den_quay_so.wav"
    if token.startswith("letter:"):
        return f"chu_{token.split(':', 1)[1].lower()}.wav"
    return f"so_{WORD_FILES[token]}.wav"


def find_clip(name: str, folders: Sequence[Path]) -> Path | None:
    """The first folder's file of that name."""
    for folder in folders:
        path = folder / name
        if path.is_file():
            return path
    return None


def clips_for(call: SpokenCall, folders: Sequence[Path], *, chime: bool = True) -> list[Path]:
    """The files to play for a call, in order (chime first); ClipsMissing if any is absent."""
    names = ([CHIME_FILE] if chime else []) + [clip_file(t) for t in call.tokens]
    found = [(n, find_clip(n, folders)) for n in names]
    missing = [n for n, p in found if p is None]
    if missing:
        raise ClipsMissing(missing)
    return [p for _, p in found if p is not None]


def join_wavs(paths: Sequence[Path], *, gap_ms: int = GAP_MS) -> bytes:
    """One WAV of the clips in order with short silences between them."""
    if not paths:
        raise ValueError("no clips to join")
    out = io.BytesIO()
    want: tuple[int, int, int] | None = None
    with wave.open(out, "wb") as dst:
        for i, path in enumerate(paths):
            with wave.open(str(path), "rb") as src:
                got = (src.getframerate(), src.getnchannels(), src.getsampwidth())
                frames = src.readframes(src.getnframes())
            if want is None:
                want = got
                dst.setframerate(got[0])
                dst.setnchannels(got[1])
                dst.setsampwidth(got[2])
            elif got != want:
                raise ClipFormatMismatch(path, got, want)
            if i:
                dst.writeframes(b"\x00" * (got[0] * gap_ms // 1000) * got[1] * got[2])
            dst.writeframes(frames)
    return out.getvalue()


def wav_seconds(data: bytes) -> float:
    """Duration of WAV bytes."""
    with wave.open(io.BytesIO(data), "rb") as w:
        return w.getnframes() / w.getframerate()


@dataclass(frozen=True)
class Announcement:
    """What to play for a call: kind is 'clips', 'chime' or 'none'; wav is the joined audio."""

    kind: str
    wav: bytes
    problem: str = ""  # why it fell back (shown in the log, not on the TV)


def announcement(call: SpokenCall, folders: Sequence[Path] = (DEFAULT_VOICE_DIR,),
                 *, chime: bool = True) -> Announcement:
    """Chime + clips, else the chime alone, else nothing: never raises for missing audio."""
    try:
        return Announcement("clips", join_wavs(clips_for(call, folders, chime=chime)))
    except (ClipsMissing, ClipFormatMismatch, wave.Error, OSError) as exc:
        problem = str(exc)
    bell = find_clip(CHIME_FILE, folders)
    if bell is not None:
        return Announcement("chime", bell.read_bytes(), problem)
    return Announcement("none", b"", problem)


def chime_wav(folders: Sequence[Path] = (DEFAULT_VOICE_DIR,)) -> bytes:
    """The chime alone (played before a TTS sentence); b'' if there is none."""
    bell = find_clip(CHIME_FILE, folders)
    return bell.read_bytes() if bell else b""
