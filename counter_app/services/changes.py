"""What a write changed, so each screen refreshes only what it shows (Anki's OpChanges).

Every service write returns (or carries) a ``Changes``; the ui hub turns it into one Qt
signal. Combine values with ``|``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Changes:
    """Which kinds of entities a write touched; ``dossiers`` names the dossier uids."""

    dossiers: frozenset[str] = field(default_factory=frozenset)
    dossier_list: bool = False  # rows added or removed (not only edited)
    procedures: bool = False
    calendar: bool = False
    queue: bool = False
    settings: bool = False
    officials: bool = False
    fees: bool = False
    outbox: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            dossiers=self.dossiers | other.dossiers,
            dossier_list=self.dossier_list or other.dossier_list,
            procedures=self.procedures or other.procedures,
            calendar=self.calendar or other.calendar,
            queue=self.queue or other.queue,
            settings=self.settings or other.settings,
            officials=self.officials or other.officials,
            fees=self.fees or other.fees,
            outbox=self.outbox or other.outbox,
        )

    def __bool__(self) -> bool:
        return self != NO_CHANGES

    @staticmethod
    def dossier(uid: str, *, fees: bool = False, new: bool = False) -> Changes:
        """One dossier changed (and its outbox event written)."""
        return Changes(dossiers=frozenset({uid}), dossier_list=new, fees=fees, outbox=True)


NO_CHANGES = Changes()
