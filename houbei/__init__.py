"""Houbei (后备): growing village-level reserve cadres through frontline service."""

__version__ = "0.1.0"
