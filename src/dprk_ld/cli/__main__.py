"""`python -m dprk_ld.cli`: the same as the `dprk-ld` command."""

import sys

from dprk_ld.cli import main

sys.exit(main())
