"""Attune: Video Interaction Guidance casework, from referral to the secure end of every film."""

__version__ = "0.1.0"
