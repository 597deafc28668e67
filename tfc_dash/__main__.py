import sys

from tfc_dash.cli import main

sys.exit(main())
