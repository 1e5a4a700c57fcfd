"""``python -m smartlead_nb.replay record|check ...``: the recorder's command line.

The recorder runs notebooks, so it sits above the replay runtime; this entry point is the one
module that starts it from here, and :mod:`smartlead_nb.replay` itself never imports it.
"""

import sys

from ..recorder import main

sys.exit(main())
