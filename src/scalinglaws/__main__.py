"""``python -m scalinglaws``: the command line (see scalinglaws.cli)."""

import os

# The command line's fits are small: OpenBLAS's threads (one per core, started when numpy is
# imported) cost more CPU than they save, and one thread gives the same sums on any core count.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from scalinglaws.cli import main  # noqa: E402

raise SystemExit(main())
