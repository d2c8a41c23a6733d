"""Exceptions that cross the public API."""

from __future__ import annotations


class ContentGuardError(Exception):
    """Base class of contentguard's own errors."""


class PackError(ContentGuardError):
    """A rule pack, lexicon or manifest is invalid. The message names the file, rule and field."""


class ConfigError(ContentGuardError):
    """A configuration file or argument is invalid. The message names the file and the key."""


class ModelError(ContentGuardError):
    """The sentiment model file is missing, corrupt, or written in a format this code cannot read."""
