"""Command-line entry points: ``spinbench`` (every subcommand) and ``evaluate`` (its alias for
``spinbench evaluate``)."""

import os

# Arrow's default allocator (mimalloc) keeps per-thread arenas that add tens of MB of resident
# memory to a command that reads a few MB of parquet; the system allocator does not. A user's
# own choice, made in the environment, stands.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
