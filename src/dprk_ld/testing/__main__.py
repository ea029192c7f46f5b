"""`python -m dprk_ld.testing SOURCE DIST`: write the endpoint tests' fixture release."""

from dprk_ld.testing import main

raise SystemExit(main())
