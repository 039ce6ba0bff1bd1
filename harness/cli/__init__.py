"""Command-line entry points: ``spinbench`` (every subcommand) and ``evaluate`` (its alias for
``spinbench evaluate``)."""
