"""Screens, one per module. Imported lazily by the app: only the home screen loads at start."""
