"""`python -m cli …` runs the `jobaid` command line."""

import sys

from cli.main import main

sys.exit(main())
