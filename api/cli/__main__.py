"""``python -m api.cli``: the ``kaoping`` command."""

import sys

from api.cli.command import main

sys.exit(main())
