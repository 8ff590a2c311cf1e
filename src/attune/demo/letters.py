"""Demo data: a case at closing, after three shared reviews, with its letter drafted."""

from __future__ import annotations

from attune.accounts.models import User
from attune.cases import services as cases
from attune.cases.models import Case, CaseState
from attune.demo.reviews import demo_case, demo_review
from attune.letters.services import letter_draft

WORDS = [
    "I could see she was waiting for me to notice.",
    "When I slowed down she told me more.",
    "We laughed together; I want more of that.",
]


def seed_demo_letter(guider: User) -> Case:
    case = demo_case(
        guider,
        child="Isla Morgan",
        adult="Priya Morgan",
        relationship="mother",
        question="How can I help Isla tell me how she feels?",
    )
    for number, (score, words) in enumerate(zip((5, 6, 8), WORDS, strict=True), start=1):
        demo_review(
            case,
            case.cycles.get(number=number),
            score=score,
            words=words,
            plan="Keep giving Isla time to start; name the feelings you see.",
            days_ago=40 - number * 12,
        )
    case = cases.case_transition(actor=guider, case=case, to_state=CaseState.CLOSING)
    letter_draft(actor=guider, case=case)
    return case
