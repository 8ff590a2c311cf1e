"""Retention's tests use the consent tests' case fixtures: a retention case starts with consent."""

from tests.consent.conftest import agreed, immediate_tasks

__all__ = ["agreed", "immediate_tasks"]
