"""Widgets, one per module (imported directly from their modules, not from here)."""
