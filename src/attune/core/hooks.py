"""Cross-app effects, in one place: a lower app announces that something happened; the higher
apps that care connect a receiver in their ``AppConfig.ready``. The lower app never imports them.

These are Django signals, sent with ``send`` (not ``send_robust``) from inside the service's
transaction: a receiver's failure rolls the whole change back, and a receiver that must act after
commit (queue a job, send mail) uses ``transaction.on_commit`` itself. To find every effect of an
event, grep for its name.
"""

from __future__ import annotations

from django.dispatch import Signal

#: consent: an adult withdrew some scopes of their consent.
#: kwargs: actor (User), case (Case), withdrawal (ConsentWithdrawal), scopes (list[str])
scope_withdrawn = Signal()

#: cases: a case moved from one state to another (``case.state`` is the new state).
#: kwargs: actor (User), case (Case), from_state (str)
case_state_changed = Signal()

#: films: a film finished processing and can be played.
#: kwargs: film (Film)
film_ready = Signal()
