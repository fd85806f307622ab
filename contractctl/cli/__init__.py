"""The command line: parse options, call the core, pick a renderer, map errors to exit codes."""
