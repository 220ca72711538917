"""Entry point of the frozen build: the same as the ``counter-app`` console script."""

import multiprocessing
import sys

from ui.launcher import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen Windows program that starts processes needs it
    sys.exit(main())
