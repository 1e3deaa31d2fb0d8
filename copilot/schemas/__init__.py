"""Typed request/response models per resource; routes never return raw rows."""
