"""Entry point: the click group, and the one place where errors become messages and exit codes."""

from __future__ import annotations

import sys
import traceback

import click

from contractctl import __version__
from contractctl.errors import ContractctlError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="contractctl")
def cli() -> None:
    """Data contracts for Kafka event meshes: check, publish and promote Avro/Protobuf schemas."""


def _register_commands() -> None:
    from contractctl.cli.changelog_cmd import changelog
    from contractctl.cli.check_cmd import check
    from contractctl.cli.compat_cmd import compat
    from contractctl.cli.init_cmd import init
    from contractctl.cli.link_cmds import link, promote
    from contractctl.cli.lint_cmd import lint
    from contractctl.cli.registry_cmds import can_deploy, publish, status

    for command in (publish, status, can_deploy, link, promote, lint, changelog):
        cli.add_command(command)
    cli.add_command(check)
    cli.add_command(compat)
    cli.add_command(init)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; no traceback reaches the user unless -v/--verbose is given."""
    args = sys.argv[1:] if argv is None else argv
    verbose = "-v" in args or "--verbose" in args
    _register_commands()
    try:
        code = cli.main(args=args, prog_name="contractctl", standalone_mode=False)
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
    except BrokenPipeError:
        code = 0
    except Exception as error:  # the last line of defence: never a bare traceback, never a pass
        click.echo(f"contractctl: internal error: {type(error).__name__}: {error}", err=True)
        if verbose:
            click.echo(traceback.format_exc(), err=True)
        else:
            click.echo("run again with -v for details, and please report it", err=True)
        code = 3
    sys.exit(code if isinstance(code, int) else 0)
