"""The citizen's satisfaction at return: 3 levels and the 9 indicators (DOMAIN §6), or skipped."""

from __future__ import annotations

import json
from collections.abc import Mapping

from sqlalchemy import Engine
from sqlmodel import select

from counter_app.domain.clock import Clock, to_db
from counter_app.domain.lifecycle import Status
from counter_app.services.lifecycle import (
    ActionContext,
    ActionResult,
    Actor,
    StepDraft,
    run_action,
)
from counter_app.services.lifecycle_errors import RatingNotAllowed
from db.models import Dossier, DossierRating

LEVELS = {1: "Rất hài lòng", 2: "Hài lòng", 3: "Không hài lòng"}
INDICATORS: Mapping[str, str] = {
    "total_time": "Tổng thời gian giải quyết so với quy định",
    "agency_time": "Thời gian tại từng cơ quan, đơn vị",
    "contacts": "Số lần liên hệ để giải quyết hồ sơ",
    "agencies": "Số cơ quan, đơn vị phải liên hệ",
    "organisation": "Tổ chức tiếp nhận và trả kết quả",
    "publication": "Công khai thủ tục hành chính",
    "attitude": "Thái độ của cán bộ, công chức",
    "feedback": "Tiếp nhận, xử lý phản ánh, kiến nghị",
    "online": "Chất lượng dịch vụ công trực tuyến",
}
"""The 9 indicators, 0-2 points each (Decision 766 style per-dossier evaluation)."""
CHANNELS = ("counter", "tablet", "qr")


def _check(level: int | None, scores: Mapping[str, int], channel: str) -> None:
    if level is not None and level not in LEVELS:
        raise RatingNotAllowed("Mức hài lòng phải là 1, 2 hoặc 3.")
    bad = [k for k, v in scores.items() if k not in INDICATORS or v not in (0, 1, 2)]
    if bad:
        raise RatingNotAllowed("Chỉ số đánh giá không hợp lệ: " + ", ".join(sorted(bad)))
    if channel not in CHANNELS:
        raise RatingNotAllowed("Kênh đánh giá không hợp lệ.")


class RatingService:
    """Recording the citizen's rating of one dossier."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def rate(self, code: str, *, actor: Actor, level: int | None,
             scores: Mapping[str, int] | None = None, channel: str = "counter") -> ActionResult:
        """Store the rating (``level`` None = the citizen skipped it); once, after return."""
        sc = dict(scores or {})
        _check(level, sc, channel)

        def apply(ctx: ActionContext, d: Dossier, step: StepDraft) -> None:
            if d.status != Status.RETURNED:
                raise RatingNotAllowed("Chỉ đánh giá khi đã trả kết quả.")
            held = ctx.session.exec(select(DossierRating.id).where(
                DossierRating.dossier_id == d.id)).first()
            if held is not None:
                raise RatingNotAllowed("Hồ sơ này đã được đánh giá.")
            ctx.session.add(DossierRating(
                dossier_id=d.id or 0, level=level, scores=json.dumps(sc, sort_keys=True),
                skipped=level is None, official_id=ctx.actor.official.id,
                official_name=ctx.actor.official.full_name, counter_no=ctx.counter_no,
                channel=channel, rated_at=to_db(ctx.now)))
            step.detail = {"level": level, "scores": sc, "skipped": level is None,
                           "channel": channel}

        return run_action(self._engine, self._clock, code, "rate", actor, apply)
