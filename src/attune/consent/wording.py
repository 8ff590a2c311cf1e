"""The default consent form, in the plain words of the leaflet families are given."""

from __future__ import annotations

from attune.consent.models import Scope

DEFAULT_FORM_NAME = "Consent to Video Interaction Guidance"

DEFAULT_TITLE = "Agreeing to Video Interaction Guidance (VIG)"

DEFAULT_INTRODUCTION = (
    "VIG is a positive way of using video to help people understand and improve communication, "
    "by noticing what is going well and doing more of it.\n\n"
    "Your VIG guider will make a short film (about 10 to 15 minutes) of you and the child "
    "together at a good moment, for example playing a game, reading a book or making something "
    "together, at home or at school. The guider picks out very short clips of positive moments, "
    "and you look at them together in a shared review. Most people have about three films and "
    "reviews; you can ask for more, or stop after just one.\n\n"
    "Please tick each part you agree to. Each part is your own choice: you can agree to "
    "filming without agreeing to anything else."
)

DEFAULT_SCOPE_TEXTS: dict[str, str] = {
    Scope.FILMING: (
        "I agree to short films of me with the child being made for our VIG work. The films are "
        "kept securely and confidentially for the period of our work together, and then deleted."
    ),
    Scope.SUPERVISION: (
        "My guider may show clips to their VIG supervisor, an accredited VIGuk supervisor who "
        "supports their practice. Supervision sessions are confidential."
    ),
    Scope.TRAINING: (
        "Clips may be shown to other VIG guiders in training and teaching, to help them learn. "
        "They are not shown anywhere else."
    ),
    Scope.STILLS: (
        "I would like to keep still pictures of our positive moments after the work ends, when "
        "the films themselves are deleted."
    ),
}

DEFAULT_CLOSING = (
    "Films are only made when consent has been given in writing. You can withdraw your consent "
    "at any time, for everything or for one part, by telling your guider in person, by phone or "
    "in writing. If you withdraw consent to filming, every film of this work is deleted straight "
    "away.\n\n"
    "Films are kept securely and confidentially for the period of work, and then deleted.\n\n"
    "We all follow standard safeguarding procedures: if we hear or see anything that suggests "
    "that a child is at risk of harm, we let the relevant people know (for example the school's "
    "designated safeguarding lead) and follow the school's safeguarding policy."
)
