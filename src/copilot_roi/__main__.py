"""``python -m copilot_roi`` runs the CLI."""

import sys

from copilot_roi.cli import main

sys.exit(main())
