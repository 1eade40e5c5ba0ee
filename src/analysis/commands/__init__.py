"""One module per command; each exposes ``register(subparsers)``.

A command module adds its parser with ``subparsers.add_parser(NAME, help=..., description=...)``
and sets ``func`` to a function ``run(args) -> int``. :mod:`analysis.cli` finds them all.
"""
