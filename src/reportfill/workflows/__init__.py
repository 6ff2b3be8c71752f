"""Workflows: what a command does from start to end, built on the stages below --
``check`` (read → locate → values → rules), ``fill`` (TOML → rules → render → check the
rendered file → write), ``batch`` (either, over many files on every core) and ``preview``."""
