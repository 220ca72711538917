"""``python -m counter_app``: the headless operator commands."""

from counter_app.cli import main

raise SystemExit(main())
