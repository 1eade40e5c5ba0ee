"""The command line: ``python -m analysis <command>`` (or ``partnership-analysis``).

Every command lives in its own module in :mod:`analysis.commands` and exposes
``register(subparsers)``; this module finds them, runs the chosen one and turns
errors into exit codes: 0 success, 2 bad input (with a readable report), 1 an
unexpected failure. No user mistake ends in a traceback (``--debug`` shows one).
"""

from __future__ import annotations

import argparse
import errno
import importlib
import pkgutil
import sys
import warnings
from pathlib import Path

from analysis import __version__
from analysis.errors import InputError, show_warning

__all__ = ["build_parser", "main"]


def _command_modules():
    import analysis.commands as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        try:
            yield importlib.import_module(f"analysis.commands.{info.name}")
        except Exception as exc:  # noqa: BLE001 - one broken command must not take down the rest
            yield _Broken(info.name, exc)


class _Broken:
    """Stands in for a command module that failed to import; running it reports why."""

    def __init__(self, name: str, exc: Exception):
        self.name, self.exc = name, exc

    def register(self, sub) -> None:
        p = sub.add_parser(self.name, help=f"(unavailable: {type(self.exc).__name__})")
        p.set_defaults(func=self.run)

    def run(self, args) -> int:
        raise RuntimeError(f"the '{self.name}' command could not be loaded: {self.exc}")


#: The installed script's name (``[project.scripts]``); ``python -m analysis`` runs the same.
SCRIPT = "partnership-analysis"


def program_name(argv0: str | None = None) -> str:
    """How the user started the command line, for its usage lines: the installed script's name
    when run as that script (``partnership-analysis.exe`` on Windows too), else ``python -m analysis``."""
    name = Path(sys.argv[0] if argv0 is None else argv0).name
    ours = name == SCRIPT or name.startswith((SCRIPT + ".", SCRIPT + "-"))
    return SCRIPT if ours else "python -m analysis"


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    prog = program_name() if prog is None else prog
    parser = argparse.ArgumentParser(
        prog=prog,
        description=(
            "Partnership analysis toolkit: read and validate local-government data, "
            "place partnerships on Kahane's four options, and measure austerity against "
            "partnership activity."
        ),
        epilog=f"Run '{prog} COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the full traceback of an unexpected failure"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _command_modules():
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except InputError as exc:  # an option's own check, run by argparse while parsing
        print(f"error: {exc.format()}", file=sys.stderr)
        return exc.exit_code
    except SystemExit as exc:  # argparse has printed its message (or the help)
        return exc.code if isinstance(exc.code, int) else 2
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    seed = getattr(args, "seed", None)
    if seed is not None and not 0 <= seed < 2**32:
        print(f"error: --seed must be a whole number from 0 to {2**32 - 1}, not {seed}", file=sys.stderr)
        return 2
    from analysis.writers import output_transaction

    previous = warnings.showwarning
    warnings.showwarning = show_warning
    try:
        with output_transaction():  # a failed run leaves no output behind
            code = args.func(args)
        return 0 if code is None else int(code)
    except InputError as exc:
        print(f"error: {exc.format()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted: nothing was left half-written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        if exc.errno not in _ENVIRONMENT_ERRNOS:
            if args.debug:
                raise
            return _unexpected(exc)
        where = f" {exc.filename}" if exc.filename else ""
        print(f"error: the file system refused{where}: {exc.strerror or exc}. Nothing was left "
              "half-written; check the permissions, free some space or choose another --out folder, "
              "then run again.", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if args.debug:
            raise
        return _unexpected(exc)
    finally:
        warnings.showwarning = previous


#: Errors of the machine rather than of the toolkit: disk full, quota, read-only file system.
_ENVIRONMENT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


def _unexpected(exc: BaseException) -> int:
    print(
        f"unexpected failure: {type(exc).__name__}: {exc}\n"
        "This is a bug in the toolkit, not in your data. Run again with --debug "
        "for the traceback and report it.",
        file=sys.stderr,
    )
    return 1
