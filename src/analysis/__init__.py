"""Partnership analysis toolkit.

Read, validate and analyse how councils and their partners respond to austerity,
placing partnerships on Kahane's four options (fight, adapt, exit, collaborate).
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
