"""A name never holds digits or "|": the intake service refuses it, whichever screen or script
calls it (the intake form checks it too, earlier)."""

from __future__ import annotations

import pytest
from svc_helpers import request_for

from counter_app.services.context import AppServices
from counter_app.services.errors import ValidationFailed

SCAN = "001190012345|012345678|Nguyễn Thị Hồng Nhung|15031990|Nữ|Số 12 Thụy Khuê|01012022"


@pytest.mark.parametrize("name", [SCAN, "Nguyễn Văn 2", "Lê | Thị"])
def test_a_scan_or_digits_in_the_name_are_refused_and_nothing_is_saved(
        services: AppServices, name: str) -> None:
    official = services.accounts.login("canbo", "canbo123")
    with pytest.raises(ValidationFailed) as err:
        services.intake.receive(request_for(services, "1.004873", applicant_name=name),
                                official=official)
    assert "applicant_name" in err.value.errors
    assert services.dossiers.count() == 0
