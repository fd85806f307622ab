"""Finding and loading the configuration for commands that work inside a repository."""

from __future__ import annotations

from pathlib import Path

from contractctl.config import Config, default_config, find_config, load_config


def load(config_path: Path | None, cwd: Path | None = None) -> Config:
    """--config FILE, else contractctl.yaml found upward, else the documented defaults at cwd."""
    start = (cwd or Path.cwd()).resolve()
    if config_path is not None:
        return load_config(config_path.resolve())
    found = find_config(start)
    if found is None:
        from contractctl.history import Git

        return default_config(Git.discover(start).toplevel)
    return load_config(found)
