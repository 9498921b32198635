"""``python -m scalinglaws``: the command line (see scalinglaws.cli)."""

from scalinglaws.cli import main

raise SystemExit(main())
