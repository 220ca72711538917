"""Spoken calls from clips: which files, joined length, formats, fallbacks."""

from __future__ import annotations

import shutil
import wave
from pathlib import Path

import pytest

from counter_app.domain.queue import spoken_call
from counter_app.services.queue_voice import (
    CHIME_FILE,
    CLIP_TEXT,
    DEFAULT_VOICE_DIR,
    ClipFormatMismatch,
    ClipsMissing,
    announcement,
    clip_file,
    clips_for,
    join_wavs,
    wav_seconds,
)


def _seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / w.getframerate()


def _tone(path: Path, *, rate: int = 16000, seconds: float = 0.25) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x10\x00" * int(rate * seconds))
    return path


def test_default_set_is_complete_and_uniform() -> None:
    names = [clip_file(t) for t in CLIP_TEXT] + [CHIME_FILE]
    formats = set()
    for name in names:
        with wave.open(str(DEFAULT_VOICE_DIR / name), "rb") as w:
            formats.add((w.getframerate(), w.getnchannels(), w.getsampwidth()))
    assert formats == {(16000, 1, 2)}


def test_clips_for_a012_at_counter_3() -> None:
    paths = clips_for(spoken_call("A012", 3), [DEFAULT_VOICE_DIR])
    assert [p.name for p in paths] == [
        "chime.wav", "moi_cong_dan.wav", "chu_a.wav", "so_muoi.wav", "so_hai.wav",
        "den_quay_so.wav", "so_ba.wav"]
    assert [p.name for p in clips_for(spoken_call("B121", 4), [DEFAULT_VOICE_DIR],
                                      chime=False)][2:6] == [
        "so_mot.wav", "so_tram.wav", "so_hai.wav", "so_muoi_ngang.wav"]
    assert clips_for(spoken_call("B121", 4), [DEFAULT_VOICE_DIR])[7].name == "so_mot_sac.wav"


def test_joined_duration_is_sum_of_parts_plus_gaps() -> None:
    paths = clips_for(spoken_call("C105", 2), [DEFAULT_VOICE_DIR])
    joined = join_wavs(paths, gap_ms=40)
    expected = sum(_seconds(p) for p in paths) + 0.040 * (len(paths) - 1)
    assert wav_seconds(joined) == pytest.approx(expected, abs=0.002)


def test_ward_folder_overrides_default(tmp_path: Path) -> None:
    _tone(tmp_path / "chu_a.wav")
    paths = clips_for(spoken_call("A001", 1), [tmp_path, DEFAULT_VOICE_DIR])
    assert paths[2] == tmp_path / "chu_a.wav"
    assert paths[3].parent == DEFAULT_VOICE_DIR


def test_mixed_formats_are_refused(tmp_path: Path) -> None:
    a = _tone(tmp_path / "a.wav", rate=16000)
    b = _tone(tmp_path / "b.wav", rate=22050)
    with pytest.raises(ClipFormatMismatch) as err:
        join_wavs([a, b])
    assert err.value.got[0] == 22050
    # the display then falls back to the chime alone
    shutil.copy(DEFAULT_VOICE_DIR / CHIME_FILE, tmp_path / CHIME_FILE)
    _tone(tmp_path / "chu_a.wav", rate=22050)
    result = announcement(spoken_call("A001", 1), [tmp_path, DEFAULT_VOICE_DIR])
    assert result.kind == "chime" and "khác" in result.problem


def test_missing_clips_fall_back(tmp_path: Path) -> None:
    with pytest.raises(ClipsMissing):
        clips_for(spoken_call("A001", 1), [tmp_path])
    assert announcement(spoken_call("A001", 1), [tmp_path]).kind == "none"
    shutil.copy(DEFAULT_VOICE_DIR / CHIME_FILE, tmp_path / CHIME_FILE)
    assert announcement(spoken_call("A001", 1), [tmp_path]).kind == "chime"
    assert announcement(spoken_call("A001", 1)).kind == "clips"
