"""The four care tiers, ordered from lowest to highest."""

from __future__ import annotations

TIERS: tuple[str, ...] = ("self_care", "soon", "urgent", "emergency")
RANK: dict[str, int] = {name: i for i, name in enumerate(TIERS)}

