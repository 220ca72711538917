"""``district-server`` commands that publish to the wards: online dossiers, calendar, catalogue.

Each goes through the same service function as the admin API (one write path); the audit
row's actor is ``cli``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine

from counter_app.domain.clock import SystemClock
from counter_app.sync.protocol import CalendarOverrideIn, CataloguePublishIn, DossierRecord
from district_server.services import calendar, catalogue, online
from district_server.services.admin import AdminError

EngineOf = Callable[[argparse.Namespace], Engine]


def _read_json(path: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise AdminError(f"cannot read {path}: {exc}") from None


def _dossier_line(engine: Engine, ward: str, item: Any, n: int) -> bool:
    """Register one item of the file; print its line; False if it was refused."""
    label = item.get("code", f"#{n}") if isinstance(item, dict) else f"#{n}"
    try:
        done = online.register(engine, ward, DossierRecord.model_validate(item),
                               now=SystemClock().now(), actor="cli")
    except (ValidationError, AdminError) as exc:
        print(f"{label}\trefused: {exc}".replace("\n", " "), file=sys.stderr)
        return False
    print(f"{done.record.code}\t{'registered' if done.created else 'unchanged (already held)'}")
    return True


def cmd_dossier_online(args: argparse.Namespace, engine_of: EngineOf) -> int:
    """Register dossiers filed online (one JSON object or a list); a line per dossier."""
    doc = _read_json(args.file)
    items = doc if isinstance(doc, list) else [doc]
    engine = engine_of(args)
    results = [_dossier_line(engine, args.ward, item, n) for n, item in enumerate(items, 1)]
    return 0 if all(results) else 2


def cmd_calendar_set(args: argparse.Namespace, engine_of: EngineOf) -> int:
    """Set a day off / working day for some wards (default all); a line per ward."""
    body = CalendarOverrideIn(day=args.day, kind=args.kind, name=args.name, wards=args.wards)
    done = calendar.set_override(engine_of(args), body, now=SystemClock().now(), actor="cli")
    for code in done.changed:
        print(f"{code}\t{done.override.day}\t{done.override.kind}\tpublished")
    for code in done.unchanged:
        print(f"{code}\t{done.override.day}\t{done.override.kind}\tunchanged")
    return 0


def cmd_calendar_list(args: argparse.Namespace, engine_of: EngineOf) -> int:
    """The overrides held upstream."""
    print("ward\tday\tkind\tname\tupdated_at")
    for o in calendar.list_overrides(engine_of(args), ward=args.ward):
        print(f"{o.ward_code}\t{o.day}\t{o.kind}\t{o.name}\t{o.updated_at}")
    return 0


def cmd_catalogue_publish(args: argparse.Namespace, engine_of: EngineOf) -> int:
    """Publish the procedure versions of a catalogue JSON file; a line per ward and version."""
    doc = _read_json(args.file)
    items = doc.get("procedures") if isinstance(doc, dict) else doc
    if not isinstance(items, list) or not items:
        raise AdminError(f"{args.file}: no list of procedures")
    body = CataloguePublishIn(procedures=items, wards=args.wards)
    done = catalogue.publish(engine_of(args), body, now=SystemClock().now(), actor="cli")
    for p in done.published:
        print(f"{p.ward}\t{p.code}\t{p.effective_from}\tpublished")
    for p in done.unchanged:
        print(f"{p.ward}\t{p.code}\t{p.effective_from}\tunchanged")
    return 0


def cmd_catalogue_list(args: argparse.Namespace, engine_of: EngineOf) -> int:
    """The procedure versions published upstream."""
    print("ward\tcode\teffective_from\teffective_to\tname")
    for v in catalogue.list_versions(engine_of(args), ward=args.ward):
        print(f"{v.ward_code}\t{v.code}\t{v.effective_from}\t{v.effective_to or ''}\t{v.name}")
    return 0


def add_commands(sub: Any, common: argparse.ArgumentParser, engine_of: EngineOf) -> None:
    """Register the publishing commands on the ``district-server`` parser."""

    def bind(cmd: Callable[[argparse.Namespace, EngineOf], int]) -> Callable[..., int]:
        return lambda args: cmd(args, engine_of)

    s = sub.add_parser("dossier-online", parents=[common],
                       help="register dossiers filed online (dossier.upsert)")
    s.add_argument("--ward", required=True)
    s.add_argument("--file", required=True, help="JSON: one DossierRecord or a list")
    s.set_defaults(fn=bind(cmd_dossier_online))
    cal = sub.add_parser("calendar", parents=[common], help="calendar overrides")
    csub = cal.add_subparsers(dest="calendar_command", required=True)
    s = csub.add_parser("set", parents=[common], help="publish a calendar.override")
    s.add_argument("--day", required=True, help="YYYY-MM-DD")
    s.add_argument("--kind", required=True, choices=("day_off", "working_day"))
    s.add_argument("--name", required=True, help="e.g. Nghỉ bù Quốc khánh")
    s.add_argument("--ward", dest="wards", action="append", default=None, metavar="CODE",
                   help="agency code; repeat for several (default: every ward)")
    s.set_defaults(fn=bind(cmd_calendar_set))
    s = csub.add_parser("list", parents=[common], help="overrides held upstream")
    s.add_argument("--ward", default=None)
    s.set_defaults(fn=bind(cmd_calendar_list))
    cat = sub.add_parser("catalogue", parents=[common], help="procedure catalogue")
    ksub = cat.add_subparsers(dest="catalogue_command", required=True)
    s = ksub.add_parser("publish", parents=[common], help="publish catalogue.procedure")
    s.add_argument("--file", required=True, help="catalogue JSON ({procedures: [...]} or a list)")
    s.add_argument("--ward", dest="wards", action="append", default=None, metavar="CODE",
                   help="agency code; repeat for several (default: every ward)")
    s.set_defaults(fn=bind(cmd_catalogue_publish))
    s = ksub.add_parser("list", parents=[common], help="versions published upstream")
    s.add_argument("--ward", default=None)
    s.set_defaults(fn=bind(cmd_catalogue_list))
