"""LiveRamp Clean Room (formerly Habu): async client, token manager, models."""

from .auth import TokenManager, TokenRequestRefused
from .client import LiveRampClient

__all__ = ["LiveRampClient", "TokenManager", "TokenRequestRefused"]
