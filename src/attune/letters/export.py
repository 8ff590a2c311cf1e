"""The letter as a Word document (python-docx) and as the blocks of the print page.

The family's copy has the chosen stills, read from the vault into memory at export time, only
where every adult agreed to keeping stills and the media still exists. The service's copy and
every copy after the media is destroyed have no pictures: the letter record itself never does.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document
from docx.shared import Cm, Pt

from attune.cases.models import Case
from attune.letters import selectors
from attune.letters.models import LetterVersion
from attune.vault.services import MediaGone, object_read_all

FAMILY = "family"
RECORD = "record"
COPIES = {FAMILY: "The family's copy", RECORD: "The service's record"}


@dataclass(frozen=True)
class Block:
    kind: str  # "heading", "bullet" or "paragraph"
    text: str


def blocks(text: str) -> list[Block]:
    """The letter's text as headings ("## "), bullets ("• " or "- ") and paragraphs."""
    found: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            found.append(Block("paragraph", "\n".join(paragraph)))
            paragraph.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            flush()
        elif stripped.startswith("## "):
            flush()
            found.append(Block("heading", stripped[3:].strip()))
        elif stripped.startswith(("• ", "- ")):
            flush()
            found.append(Block("bullet", stripped[2:].strip()))
        else:
            paragraph.append(stripped)
    flush()
    return found


def stills_allowed(case: Case, copy: str) -> bool:
    return copy == FAMILY and not selectors.stills_blockers(case)


def letter_docx(case: Case, version: LetterVersion, *, copy: str) -> tuple[bytes, int]:
    """The .docx bytes (built in memory) and how many stills went in."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(12)
    document.add_heading(f"Video Interaction Guidance: {case.child_name}", level=1)
    for block in blocks(version.text):
        if block.kind == "heading":
            document.add_heading(block.text, level=2)
        elif block.kind == "bullet":
            document.add_paragraph(block.text, style="List Bullet")
        else:
            paragraph = document.add_paragraph()
            lines = block.text.split("\n")
            for n, line in enumerate(lines):
                run = paragraph.add_run(line)
                if n < len(lines) - 1:
                    run.add_break()
    added = 0
    if stills_allowed(case, copy):
        stills = selectors.stills_for_case(case)
        if stills:
            document.add_heading("Moments we looked at together", level=2)
        for still in stills:
            try:
                picture = object_read_all(still.jpeg)
            except MediaGone:
                break
            document.add_picture(io.BytesIO(picture), width=Cm(12))
            document.add_paragraph(still.caption, style="Caption")
            added += 1
    core = document.core_properties
    core.title = f"Closing letter: {case.reference}"
    core.author = case.guider.full_name or case.guider.email
    out = io.BytesIO()
    document.save(out)
    return out.getvalue(), added
