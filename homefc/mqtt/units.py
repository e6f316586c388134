"""Device scales in one place, so the executor, the state decoders and the simulator convert alike.

homefc keeps brightness 0–255 and colour temperature in kelvin (as Home Assistant does); devices speak a
brightness scale of their own (Home Assistant's `brightness_scale`, Zigbee's 0–254) and often mireds.
"""

from __future__ import annotations

from typing import Any


def to_scale(value: Any, scale: float) -> int:
    """A 0–255 brightness on the device's scale."""
    return round(float(value) * scale / 255)


def from_scale(value: Any, scale: float) -> int:
    """A device-scale brightness as 0–255."""
    return round(float(value) * 255 / scale)


def mireds(value: Any) -> int:
    """Kelvin → mireds, and mireds → kelvin (the same reciprocal)."""
    return round(1_000_000 / float(value))
