"""``python -m teikit``: the same as the ``teikit`` command."""

from .cli import main

main()
