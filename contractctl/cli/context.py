"""Finding and loading the configuration for commands that work inside a repository."""

from __future__ import annotations

from pathlib import Path

from contractctl.config.project import Config, default_config, find_config, load_config
from contractctl.errors import ContractctlError


def load(config_path: Path | None, cwd: Path | None = None) -> Config:
    """--config FILE, else contractctl.yaml found upward, else the documented defaults at cwd."""
    start = (cwd or Path.cwd()).resolve()
    if config_path is not None:
        return _known_secrets(_anchored(load_config(_resolved(config_path)), start))
    found = find_config(start)
    if found is None:
        from contractctl.repo.history import Git

        return default_config(Git.discover(start).toplevel)
    _refuse_link_out_of_repository(found)
    _refuse_other_than_a_file(found)
    return _known_secrets(load_config(found))


def _anchored(config: Config, start: Path) -> Config:
    """A config file named with --config that lies outside any git repository (kept beside the
    clones it is used for) applies to the repository of the working directory, its paths read from
    that repository's top; one inside a repository applies to that repository, as found."""
    from dataclasses import replace

    from contractctl.errors import GitError
    from contractctl.repo.history import Git

    folder = config.path.parent
    if any((directory / ".git").exists() for directory in (folder, *folder.parents)):
        return config  # as find_config tells a repository: no git process for it
    try:
        return replace(config, anchor=Git.discover(start).toplevel)
    except GitError:
        return config  # neither: the command says where no repository was found


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        from contractctl.errors import ConfigError

        raise ConfigError(f"{path}: is a symlink that loops; not read") from None


def _refuse_other_than_a_file(found: Path) -> None:
    """The repository's contractctl.yaml must be a regular file: a FIFO would block the run, a device
    never end, and a dangling link or a directory is an error, never "no config" (the defaults)."""
    import stat

    from contractctl.errors import ConfigError

    try:
        mode = found.stat().st_mode
    except OSError as error:
        raise ConfigError(f"{found}: cannot read config file: {error.strerror}") from None
    if not stat.S_ISREG(mode):
        raise ConfigError(f"{found}: is not a regular file; not read")


def _refuse_link_out_of_repository(found: Path) -> None:
    """A repository's own contractctl.yaml that is a symlink leading out of the repository is not
    read: its text would be whatever file of this machine the repository's author chose (a CI
    runner's ~/.netrc), and config errors quote what they read. A link inside the repository is
    read as usual; a file outside it is named with --config, by whoever runs the command."""
    if not found.is_symlink():
        return
    from contractctl.errors import ConfigError, GitError
    from contractctl.repo.history import Git
    from contractctl.repo.worktree import is_within

    try:
        top = Git.discover(found.parent).toplevel.resolve()
    except GitError:
        return  # not in a repository: no repository author chose the link
    try:
        target = found.resolve()
    except (OSError, RuntimeError):  # a loop: refused as what it is, by the caller's stat
        return
    if not is_within(target, top):
        raise ConfigError(
            f"{found}: is a symlink leading outside the repository ({target}); not read "
            "(name a config file outside the repository with --config)"
        )


def _known_secrets(config: Config) -> Config:
    """Register every configured registry's inline secrets for masking, whether or not this command
    talks to that registry (one registry may echo anything, another's credential included); a
    registry whose settings do not resolve is skipped here and reported where it is used."""
    if not config.registries:
        return config  # the registry package (HTTP, TLS) is not imported by a check that needs none
    from contractctl.registry.settings import RegistrySettings

    for name in config.registries:
        try:
            RegistrySettings.from_config(name, config.registry_settings(name), config.path)
        except ContractctlError:
            continue
    return config
