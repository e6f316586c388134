"""Allow `python -m homefc`."""

import sys

from homefc.cli import main

sys.exit(main())
