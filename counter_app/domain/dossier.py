"""The dossier's shared fields, written once (the base of the dossier model family).

Every shape of a dossier derives from ``DossierBase``:

- ``db.models.Dossier``: the device's table (adds its local columns: id, folded name, pause);
- ``counter_app.sync.protocol.DossierRecord``: the wire record of ``dossier.received`` and
  ``dossier.upsert`` (refines types: UUID, aware datetimes, value ranges; adds components);
- ``district_server.models.ServerDossier``: the server's table (adds ward, components JSON);
- the ``dossier.received`` event payload and the pull upsert (``db.dossiers``) and the demo
  seed take their field list from ``DOSSIER_FIELDS``.

Adding a field shared by device, wire and server is one edit here plus the migrations of the
tables that store it (docs/lifecycle.md, "Adding a field"). Times are UTC ISO-8601 text as the
stores keep them (``counter_app.domain.clock.to_db``).
"""

from __future__ import annotations

from pydantic import BaseModel


class DossierBase(BaseModel):
    """The fields a dossier has wherever it lives (device, wire, server)."""

    uid: str  # UUID made where the dossier was created
    code: str
    verify_token: str
    procedure_code: str
    procedure_name: str
    field_code: str = ""
    status: int  # national TrangThaiHoSo 1-10
    channel: int  # 1 direct, 2 online, 3 post
    applicant_name: str = ""
    id_number: str = ""
    birth_date: str | None = None
    sex: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    sets_count: int = 1
    processing_text: str = ""
    duration_kind: str = ""
    duration_hours: int = 0
    received_at: str
    due_at: str
    finished_at: str | None = None  # the END: first of processed/returned/refused/withdrawn/stopped
    returned_at: str | None = None
    result_delivery: str = "counter"  # counter | post
    fee_amount: int = 0
    fee_pages: int = 1  # what the fee was computed for (certified copies count pages)
    fee_copies: int = 1
    ledger_book: str = ""
    ledger_line: int = 0
    official_name: str = ""
    counter_no: int = 0
    device_id: str = ""
    ticket_uid: str | None = None
    note: str = ""


DOSSIER_FIELDS: tuple[str, ...] = tuple(DossierBase.model_fields)
"""The shared field names, in declaration order."""
