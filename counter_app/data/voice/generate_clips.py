"""Regenerate the default voice clips with espeak-ng's Vietnamese voice, normalized with sox.

Run from the repository root (needs ``espeak-ng`` and ``sox`` on PATH):

    uv run python counter_app/data/voice/generate_clips.py

Every clip is written as 16 kHz, mono, 16-bit PCM WAV with leading/trailing silence trimmed and
peak-normalized, so that the stdlib ``wave`` module can join them without resampling. A ward
that records its own voice replaces the files of ``vi/`` with the same names (see README.md).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from counter_app.services.queue_voice import CHIME_FILE, CLIP_TEXT, clip_file

OUT = Path(__file__).resolve().parent / "vi"
RATE, BITS = 16000, 16
TRIM = ["silence", "1", "0.02", "0.5%", "reverse", "silence", "1", "0.02", "0.5%", "reverse"]


def speak(text: str, out: Path) -> None:
    """One clip: espeak-ng (northern Vietnamese voice, a little slower) → sox."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        subprocess.run(["espeak-ng", "-v", "vi", "-s", "150", "-w", str(raw), text], check=True)
        subprocess.run(["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", str(BITS), str(out),
                        *TRIM, "norm", "-1", "pad", "0", "0.04"], check=True)


def chime(out: Path) -> None:
    """A two-tone 'ding-dong' (E6 then C6) with soft decays."""
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp) / "a.wav", Path(tmp) / "b.wav"
        for path, freq, length in ((a, 1318.5, 0.45), (b, 1046.5, 0.9)):
            subprocess.run(["sox", "-n", "-r", str(RATE), "-c", "1", "-b", str(BITS), str(path),
                            "synth", str(length), "sine", str(freq),
                            "fade", "q", "0.005", str(length), str(length * 0.85)], check=True)
        subprocess.run(["sox", str(a), str(b), str(out), "norm", "-6", "pad", "0", "0.15"],
                       check=True)


def main() -> int:
    """Write every clip into vi/."""
    OUT.mkdir(parents=True, exist_ok=True)
    for token, text in CLIP_TEXT.items():
        speak(text, OUT / clip_file(token))
    chime(OUT / CHIME_FILE)
    print(f"{len(CLIP_TEXT) + 1} clips in {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
