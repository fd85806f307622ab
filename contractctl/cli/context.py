"""Finding and loading the configuration for commands that work inside a repository."""

from __future__ import annotations

from pathlib import Path

from contractctl.config.project import Config, default_config, find_config, load_config
from contractctl.errors import ContractctlError


def load(config_path: Path | None, cwd: Path | None = None) -> Config:
    """--config FILE, else contractctl.yaml found upward, else the documented defaults at cwd."""
    start = (cwd or Path.cwd()).resolve()
    if config_path is not None:
        return _known_secrets(load_config(config_path.resolve()))
    found = find_config(start)
    if found is None:
        from contractctl.repo.history import Git

        return default_config(Git.discover(start).toplevel)
    return _known_secrets(load_config(found))


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
