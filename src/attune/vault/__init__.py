"""Encryption of media at rest."""
