"""`python -m bot` runs the `hocvuso` command."""

import sys

from bot.cli import main

sys.exit(main())
