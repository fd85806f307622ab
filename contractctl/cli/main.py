"""Entry point: the click group, and the one place where errors become messages and exit codes."""

from __future__ import annotations

import importlib
import sys

from contractctl.generic.gc_pause import without_cycle_collection

# Start-up builds tens of thousands of objects that live to the end of the process (modules,
# classes, functions): the cyclic collector would scan them over and over during the imports and
# free nothing (3-6 ms of every run).
with without_cycle_collection():
    import click

    from contractctl import __version__
    from contractctl.cli import masked_io
    from contractctl.errors import ContractctlError
    from contractctl.formats import FORMATS
    from contractctl.generic.termination import (
        Terminated,
        leave_now,
        unwind_on_sigterm,
    )
    from contractctl.generic.termination import requested as termination_requested

# Commands load on use: a pre-commit `check` must not pay for the imports of `promote` or `changelog`.
COMMANDS = {
    "can-deploy": "contractctl.cli.registry_cmds:can_deploy",
    "changelog": "contractctl.cli.changelog_cmd:changelog",
    "check": "contractctl.cli.check_cmd:check",
    "compat": "contractctl.cli.compat_cmd:compat",
    "init": "contractctl.cli.init_cmd:init",
    "link": "contractctl.cli.link_cmds:link",
    "lint": "contractctl.cli.lint_cmd:lint",
    "promote": "contractctl.cli.link_cmds:promote",
    "publish": "contractctl.cli.registry_cmds:publish",
    "status": "contractctl.cli.registry_cmds:status",
}


class LazyGroup(click.Group):
    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """An unknown command names the closest ones ("did you mean ..."), as click does for options."""
        name = args[0] if args else ""
        if args and not name.startswith("-") and self.get_command(ctx, name) is None:
            import difflib

            close = difflib.get_close_matches(name, self.list_commands(ctx), n=3, cutoff=0.6)
            suggestion = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            ctx.fail(f"No such command {name!r}.{suggestion}")
        return super().resolve_command(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        with without_cycle_collection():  # as for the imports above
            command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Data contracts for Kafka event meshes: check, publish and promote "
    + "/".join(known.name for known in FORMATS)
    + " schemas.",
)
@click.version_option(__version__, "--version", prog_name="contractctl")
def cli() -> None:
    """The command group; its help lists every format of the format registry."""


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; no traceback reaches the user unless -v/--verbose is given."""
    args = sys.argv[1:] if argv is None else argv
    verbose = "-v" in args or "--verbose" in args
    masked_io.install()  # from here on, nothing leaves the process unmasked
    masked_io.configure_logging(verbose)
    unwind_on_sigterm()
    try:
        _run(args, verbose)
    finally:
        masked_io.flush()
        if termination_requested():  # SIGTERM after the exit code was chosen: still not a pass
            _say_terminated()
            masked_io.flush()
            raise SystemExit(143)


_said_terminated = False


def _say_terminated() -> None:
    """ "terminated", once, however the run learnt of the SIGTERM."""
    global _said_terminated
    if not _said_terminated:
        _said_terminated = True
        click.echo("terminated", err=True)


def _run(args: list[str], verbose: bool) -> None:
    try:
        code = cli.main(args=args, prog_name="contractctl", standalone_mode=False)
    except SystemExit as ended:  # a command's own exit code (`sys.exit(emit(...))`)
        code = _exit_code(ended.code)
    except click.exceptions.NoArgsIsHelpError as error:
        click.echo(error.format_message(), err=True)
        code = 2
    except click.ClickException as error:
        error.show()
        code = 2
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        code = 130
    except click.exceptions.Exit as error:
        code = error.exit_code
    except ContractctlError as error:
        click.echo(f"contractctl: error: {error.message}", err=True)
        if verbose and error.detail:
            click.echo(error.detail, err=True)
        code = error.exit_code
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        code = 130
    except Terminated:
        _say_terminated()
        code = 143
    except BrokenPipeError:
        code = 0
    except Exception as error:  # the last line of defence: never a bare traceback, never a pass
        click.echo(f"contractctl: internal error: {type(error).__name__}: {error}", err=True)
        if verbose:
            import traceback

            click.echo(traceback.format_exc(), err=True)
        else:
            click.echo("run again with -v for details, and please report it", err=True)
        code = 3
    if code != 130 and termination_requested():  # its Terminated was swallowed on the way
        _say_terminated()
        code = 143
    if code in (130, 143):  # click reports Ctrl-C as Abort (130)
        masked_io.flush()
        leave_now(code)
    sys.exit(code if isinstance(code, int) else 0)


def _exit_code(code: object) -> int:
    """The status `sys.exit(code)` ends a process with: None is 0, a number itself, anything else
    (a message, which Python prints) 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    click.echo(str(code), err=True)
    return 1
