"""`kolejka`: one command, a subcommand per role.

kolejka server [--database URL] [--config FILE] [--demo]
kolejka sender      deliver e-mail and SMS (`kolejka server` starts it unless told not to)
kolejka kiosk | display | counter --server URL --token T
kolejka demo        the server on SQLite with the demo office, and every app window
kolejka backup PATH | restore PATH | audit --site S --from D --to D   for the IT admin
kolejka report --site S --date D | --from D --to D     the statistics as a PDF
kolejka simulate --site S --day D --server URL          a realistic day against a server
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

# Each role registers itself here: (module, function adding its arguments, runner).
ROLES = {
    "server": "server.cli",
    "sender": "server.sender_cli",
    "kiosk": "kiosk.cli",
    "display": "display.cli",
    "counter": "counter.cli",
    "demo": "kolejka.demo",
}
# The administrator's tools: (module, help); the module has add_<tool>_arguments, run_<tool>.
TOOLS = {
    "backup": ("server.cli", "copy the database to a file, consistent while the server runs"),
    "restore": ("server.cli", "put a backup in place of the database (the server stopped)"),
    "audit": ("server.cli", "who did what, when: the event log as CSV or JSON lines"),
    "report": ("server.report_cli", "the statistics of a day or a range as a PDF"),
    "simulate": ("kolejka.simulate_cli", "play a realistic office day against a running server"),
}


def _load(role: str) -> tuple[Callable[[argparse.ArgumentParser], None], Callable[..., int]] | None:
    try:
        module = importlib.import_module(ROLES[role])
    except ModuleNotFoundError as exc:
        # The role's package is there but its optional dependencies are not installed.
        if exc.name and exc.name.split(".")[0] in ROLES[role]:
            return None
        return (lambda p: None, _missing_extra(role, exc))
    return module.add_arguments, module.run


def _load_tool(tool: str) -> tuple[Callable[[argparse.ArgumentParser], None], Callable[..., int]]:
    module_name = TOOLS[tool][0]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        return (lambda p: None, _missing_extra(tool, exc))
    return getattr(module, f"add_{tool}_arguments"), getattr(module, f"run_{tool}")


def _missing_extra(role: str, exc: ModuleNotFoundError) -> Callable[..., int]:
    def run(_args: argparse.Namespace) -> int:
        print(
            f"kolejka {role}: {exc.name} is not installed; install the role's extra, "
            f"e.g. pip install 'kolejka[all]'",
            file=sys.stderr,
        )
        return 2

    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kolejka", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="role", required=True)
    for role in ROLES:
        loaded = _load(role)
        if loaded is None:
            continue
        add_arguments, run = loaded
        role_parser = sub.add_parser(role, help=f"run the {role}")
        add_arguments(role_parser)
        role_parser.set_defaults(run=run)
    for tool, (_module, help_text) in TOOLS.items():
        add_arguments, run = _load_tool(tool)
        tool_parser = sub.add_parser(tool, help=help_text, description=help_text)
        add_arguments(tool_parser)
        tool_parser.set_defaults(run=run)
    return parser


def _version() -> str:
    from kolejka import __version__

    return f"kolejka {__version__}"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
