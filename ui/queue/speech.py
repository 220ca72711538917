"""Spoken calls on the hall display: a Vietnamese TTS voice, else joined clips, else the chime.

Calls are queued and played one after another. Joining clips runs on the I/O pool; playback is
asynchronous (QSoundEffect, QTextToSpeech), so the display never freezes.
"""

from __future__ import annotations

import logging
import tempfile
from collections import deque
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal, Slot

from counter_app.domain.queue import SpokenCall, spoken_call
from counter_app.services.queue_voice import DEFAULT_VOICE_DIR, Announcement, announcement
from ui.tasks import TaskRunner

log = logging.getLogger(__name__)


def vietnamese_tts() -> object | None:
    """A QTextToSpeech speaking Vietnamese, if an engine has such a voice (Windows vi-VN pack)."""
    try:
        from PySide6.QtCore import QLocale
        from PySide6.QtTextToSpeech import QTextToSpeech
    except ImportError:
        return None
    for engine in QTextToSpeech.availableEngines():
        if engine == "mock":
            continue
        tts = QTextToSpeech(engine)
        for locale in tts.availableLocales():
            if locale.language() == QLocale.Language.Vietnamese:
                tts.setLocale(locale)
                if tts.availableVoices():
                    log.info("speech: TTS engine %s, %s", engine, locale.name())
                    return tts
        tts.deleteLater()
    return None


class Announcer(QObject):
    """Speaks calls in order: TTS voice → recorded clips → chime → silence."""

    announced = Signal(str, str)
    """A call was played (or prepared when muted): number, how ("tts"|"clips"|"chime"|"none")."""

    def __init__(self, runner: TaskRunner, *, folders: tuple[Path, ...] = (),
                 use_tts: bool = True, play: bool = True, zero_tens: str = "linh",
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._folders = (*folders, DEFAULT_VOICE_DIR)
        self._play = play
        self._zero_tens = zero_tens
        self._pending: deque[SpokenCall] = deque()
        self._busy = False
        self._call = SpokenCall(text="", tokens=())
        self._tts = vietnamese_tts() if use_tts else None
        self._effect: object | None = None
        self._tmp = tempfile.TemporaryDirectory(prefix="motcua-voice-")
        self._n = 0

    def announce(self, number: str, counter_no: int) -> None:
        """Queue the call of ``number`` to ``counter_no``."""
        self._pending.append(spoken_call(number, counter_no, zero_tens=self._zero_tens))
        self._next()

    def _next(self) -> None:
        if self._busy or not self._pending:
            return
        self._busy = True
        call = self._call = self._pending.popleft()
        if self._tts is None:
            task = self._runner.run_io(announcement, call, self._folders, chime=True)
        else:  # with a TTS voice only the chime comes from the clips
            task = self._runner.run_io(_chime_only, call, self._folders)
        task.succeeded.connect(self._on_prepared)
        task.failed.connect(self._on_prepare_failed)

    @Slot(object)
    def _on_prepared(self, result: Announcement) -> None:
        kind = "tts" if self._tts is not None else result.kind
        if result.problem:
            log.warning("speech: %s", result.problem)
        number = _number_of(self._call)
        if not self._play or (not result.wav and self._tts is None):
            self._done(number, kind)
            return
        self._play_wav(result.wav, number, kind)

    @Slot(object)
    def _on_prepare_failed(self, exc: BaseException) -> None:
        log.error("speech: cannot prepare a call: %s", exc)
        self._done(_number_of(self._call), "none")

    def _play_wav(self, wav: bytes, number: str, kind: str) -> None:
        from PySide6.QtMultimedia import QSoundEffect

        self._n += 1
        path = Path(self._tmp.name) / f"call-{self._n % 4}.wav"
        path.write_bytes(wav)
        effect = QSoundEffect(self)
        effect.setSource(QUrl.fromLocalFile(str(path)))
        effect.setProperty("number", number)
        effect.setProperty("kind", kind)
        effect.playingChanged.connect(self._on_effect_playing_changed)
        effect.statusChanged.connect(self._on_effect_status_changed)
        self._effect = effect
        effect.play()

    @Slot()
    def _on_effect_status_changed(self) -> None:
        from PySide6.QtMultimedia import QSoundEffect

        effect = self.sender()
        if isinstance(effect, QSoundEffect) and effect.status() == QSoundEffect.Status.Error:
            log.warning("speech: no audio output")
            self._after_wav(effect)

    @Slot()
    def _on_effect_playing_changed(self) -> None:
        from PySide6.QtMultimedia import QSoundEffect

        effect = self.sender()
        if isinstance(effect, QSoundEffect) and not effect.isPlaying():
            self._after_wav(effect)

    def _after_wav(self, effect: QObject) -> None:
        if effect is not self._effect:
            return
        self._effect = None
        effect.deleteLater()
        number, kind = str(effect.property("number")), str(effect.property("kind"))
        if kind == "tts" and self._tts is not None:
            from PySide6.QtTextToSpeech import QTextToSpeech

            tts = self._tts
            assert isinstance(tts, QTextToSpeech)
            tts.stateChanged.connect(self._on_tts_state_changed)
            tts.say(self._call.text)
            return
        self._done(number, kind)

    @Slot(object)
    def _on_tts_state_changed(self, state: object) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        if state in (QTextToSpeech.State.Ready, QTextToSpeech.State.Error):
            tts = self._tts
            assert isinstance(tts, QTextToSpeech)
            tts.stateChanged.disconnect(self._on_tts_state_changed)
            self._done(_number_of(self._call), "tts")

    def _done(self, number: str, kind: str) -> None:
        self._busy = False
        self.announced.emit(number, kind)
        self._next()


def _number_of(call: SpokenCall) -> str:
    return call.number


def _chime_only(call: SpokenCall, folders: tuple[Path, ...]) -> Announcement:
    from counter_app.services.queue_voice import chime_wav

    return Announcement("chime", chime_wav(folders))
