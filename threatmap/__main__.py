"""Entry point for ``python -m threatmap``."""

import sys

from threatmap.cli import main

sys.exit(main(owns_process=True))
