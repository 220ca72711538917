"""Write the OpenAPI document: ``python -m district_server.openapi_dump docs/openapi.json``."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from district_server.app import create_app
from district_server.settings import ServerSettings


def main(argv: list[str] | None = None) -> int:
    """Build the app on a throwaway database and dump ``app.openapi()``."""
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "docs/openapi.json")
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(ServerSettings(data_dir=Path(tmp), debug=True))
        doc = app.openapi()
        app.state.server.engine.dispose()
    out.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
