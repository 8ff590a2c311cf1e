"""The moment finder's engine: plain Python, no Django.

``analyse(path)`` decodes a film once and finds speech, the adult's and the child's turns,
serve-and-return moments, faces, and ranked suggestions with reasons in VIG words::

    from attune.analysis.engine import analyse
    result = analyse("film.mp4", on_progress=print)
    print(result.to_json(indent=2))

``reanalyse_with_labels(result, {"adult": "child", "child": "adult"})`` recomputes everything
that depends on who spoke after the guider swaps or merges speakers.
"""

from attune.analysis.engine.pipeline import (
    NO_SOUND,
    NO_SPEECH,
    analyse,
    reanalyse_with_labels,
    recompute,
)
from attune.analysis.engine.result import (
    AnalysisResult,
    Response,
    Run,
    Segment,
    Span,
    Suggestion,
    Transition,
    Wait,
)
from attune.analysis.engine.suggestions import PRINCIPLES

__all__ = [
    "NO_SOUND",
    "NO_SPEECH",
    "PRINCIPLES",
    "AnalysisResult",
    "Response",
    "Run",
    "Segment",
    "Span",
    "Suggestion",
    "Transition",
    "Wait",
    "analyse",
    "reanalyse_with_labels",
    "recompute",
]
