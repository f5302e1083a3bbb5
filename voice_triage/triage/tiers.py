"""The four care tiers, ordered from lowest to highest."""

from __future__ import annotations

TIERS: tuple[str, ...] = ("self_care", "soon", "urgent", "emergency")
RANK: dict[str, int] = {name: i for i, name in enumerate(TIERS)}


def higher(a: str, b: str) -> str:
    """The higher of two tiers."""
    return a if RANK[a] >= RANK[b] else b


def at_least(tier: str, floor: str) -> bool:
    return RANK[tier] >= RANK[floor]
