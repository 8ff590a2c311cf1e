"""The principles of attuned interaction and guidance, as every service starts with them.

A service admin can reword, add and retire principles and behaviours afterwards; this list is only
the seed (see DESIGN.md). The first six principles in use have the number keys 1–6 in the editor.
"""

from __future__ import annotations

SEED: list[tuple[str, list[str]]] = [
    (
        "Being attentive",
        [
            "looking interested, friendly posture",
            "giving time and space",
            "turning towards",
            "wondering about what they are doing, thinking or feeling",
            "enjoying watching",
        ],
    ),
    (
        "Encouraging initiatives",
        [
            "waiting",
            "listening actively",
            "showing warmth through intonation",
            "naming positively what you see, think or feel",
            "looking for initiatives",
        ],
    ),
    (
        "Receiving initiatives",
        [
            "showing you have noticed the initiative",
            "receiving with body language",
            "returning eye contact, smiling, nodding",
            "receiving with words",
            "repeating the other's words",
        ],
    ),
    (
        "Developing attuned interactions",
        [
            "receiving and then responding",
            "checking the other understands",
            "waiting attentively for your turn",
            "giving and taking short turns",
            "co-operating, helping each other",
        ],
    ),
    (
        "Guiding",
        [
            "scaffolding",
            "extending, building on the other's response",
            "judging the amount of support needed",
            "giving information when needed",
            "offering choices the other can understand",
        ],
    ),
    (
        "Deepening discussion",
        [
            "supporting goal-setting",
            "sharing viewpoints",
            "collaborative problem-solving",
            "naming differences",
            "reaching new shared understandings",
            "managing conflict",
        ],
    ),
]

#: How many principles have a number key in the editor.
KEYED_PRINCIPLES = 6
