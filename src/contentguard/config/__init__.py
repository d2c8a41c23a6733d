"""Configuration, all of it data: a company's own file (``company``: packs, severities, lexicons, lists),
the ruleset's settings (``settings``: ``rules/ruleset.yaml``), resource limits (``limits``), where the
shipped data lives (``resources``) and safe YAML reading (``yamlio``)."""

from .company import CONFIG_FILE_NAMES, Config, Watchlist, discover_config, load_config, watchlist_pack

__all__ = ["CONFIG_FILE_NAMES", "Config", "Watchlist", "discover_config", "load_config", "watchlist_pack"]
