"""Every kind of audit event, in one enumeration: `audit_record` refuses any other name, so the
trail can be read, filtered and described without guessing. Add a member here, with its words in
`LABELS`, before recording a new kind."""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    ACCOUNT_SECOND_FACTOR_LOCKED = "account.second_factor_locked"
    ACCREDITATION_ACCREDITATION_MEETING = "accreditation.accreditation_meeting"
    ACCREDITATION_SELF_EVALUATION_ADDED = "accreditation.self_evaluation_added"
    ACCREDITATION_SIGN_OFF = "accreditation.sign_off"
    ACCREDITATION_TRANSITION_MEETING = "accreditation.transition_meeting"
    ADULT_ADDED = "adult.added"
    ANALYSIS_FAILED = "analysis.failed"
    ANALYSIS_REQUEUED = "analysis.requeued"
    API_TOKEN_CREATED = "api_token.created"  # noqa: S105 (an event name, not a secret)
    API_TOKEN_REVOKED = "api_token.revoked"  # noqa: S105
    CASE_CREATED = "case.created"
    CASE_LIMIT_REACHED = "case.limit_reached"
    CASE_HANDED_OVER = "case.handed_over"
    CASE_STATE_CHANGED = "case.state_changed"
    CASE_UPDATED = "case.updated"
    CASE_VIEWED = "case.viewed"
    CATALOGUE_PRINCIPLE_ADDED = "catalogue.principle_added"
    CATALOGUE_PRINCIPLE_UPDATED = "catalogue.principle_updated"
    CATALOGUE_SEEDED = "catalogue.seeded"
    COMMENT_ADDED = "comment.added"
    COMMENT_REOPENED = "comment.reopened"
    COMMENT_REPLIED = "comment.replied"
    COMMENT_RESOLVED = "comment.resolved"
    CONSENT_FORM_CREATED = "consent_form.created"
    CONSENT_FORM_VERSION_CREATED = "consent_form.version_created"
    CONSENT_RECORDED = "consent.recorded"
    CONSENT_SUPERVISION_ACCESS_ENDED = "consent.supervision_access_ended"
    CONSENT_WITHDRAWN = "consent.withdrawn"
    CYCLE_ADDED = "cycle.added"
    CYCLE_UPDATED = "cycle.updated"
    EDIT_UPDATED = "edit.updated"
    FILM_ANALYSED = "film.analysed"
    FILM_ANALYSIS_REQUESTED = "film.analysis_requested"
    FILM_FAILED = "film.failed"
    FILM_READY = "film.ready"
    FILM_REMOVED = "film.removed"
    FILM_REQUEUED = "film.requeued"
    FILM_RETRIED = "film.retried"
    FILM_SPEAKERS_RELABELLED = "film.speakers_relabelled"
    FILM_SPEAKERS_RESET = "film.speakers_reset"
    FILM_UPLOADED = "film.uploaded"
    FILM_UPLOAD_EXPIRED = "film.upload_expired"
    FILM_UPLOAD_STARTED = "film.upload_started"
    FILM_REVIEW_FILMS_DELETED = "film.review_films_deleted"
    FILM_VIEWED = "film.viewed"
    HELPING_QUESTION_ADDED = "helping_question.added"
    HELPING_QUESTION_REMOVED = "helping_question.removed"
    HELPING_QUESTION_REWORDED = "helping_question.reworded"
    INITIAL_MEETING_RECORDED = "initial_meeting.recorded"
    INVITATION_ACCEPTED = "invitation.accepted"
    INVITATION_CREATED = "invitation.created"
    LETTER_CORRECTED = "letter.corrected"
    LETTER_DRAFTED = "letter.drafted"
    LETTER_EXPORTED = "letter.exported"
    LETTER_FINALISED = "letter.finalised"
    LETTER_SAVED = "letter.saved"
    LETTER_STILLS_PACK_DOWNLOADED = "letter.stills_pack_downloaded"
    LETTER_TEMPLATE_SAVED = "letter_template.saved"
    MEDIA_DELETION_COMPLETED = "media_deletion.completed"
    MEDIA_DESTROYED = "media.destroyed"
    MEDIA_LOCKED = "media.locked"
    MOMENTS_TRAINING_UNMARKED = "moments.training_unmarked"
    MOMENT_CREATED = "moment.created"
    MOMENT_DELETED = "moment.deleted"
    MOMENT_RENDER_REQUESTED = "moment.render_requested"
    MOMENT_UPDATED = "moment.updated"
    PRESENTATION_VIEWED = "presentation.viewed"
    RENDER_DOWNLOADED = "render.downloaded"
    RENDER_FAILED = "render.failed"
    RENDER_READY = "render.ready"
    RENDER_REQUEUED = "render.requeued"
    RENDER_VIEWED = "render.viewed"
    RETENTION_CANCELLED = "retention.cancelled"
    RETENTION_PLANNED = "retention.planned"
    RETENTION_SCHEDULED = "retention.scheduled"
    REVIEW_COMPLETED = "review.completed"
    REVIEW_SAVED = "review.saved"
    SAFEGUARDING_AMENDED = "safeguarding.amended"
    SAFEGUARDING_CONCERN_RECORDED = "safeguarding.concern_recorded"
    SAFEGUARDING_VIEWED = "safeguarding.viewed"
    SETTINGS_ACCREDITATION_CHANGED = "settings.accreditation_changed"
    SETTINGS_CHANGED = "settings.changed"
    SUBJECT_ACCESS_EXPORTED = "subject_access.exported"
    SUGGESTION_ACCEPTED = "suggestion.accepted"
    SUGGESTION_LINKED = "suggestion.linked"
    SUGGESTION_REJECTED = "suggestion.rejected"
    SUGGESTION_REOPENED = "suggestion.reopened"
    SUPERVISION_LINK_CREATED = "supervision_link.created"
    SUPERVISION_LINK_ENDED = "supervision_link.ended"
    SUPERVISION_SESSION_CONFIRMED = "supervision_session.confirmed"
    SUPERVISION_SESSION_LOGGED = "supervision_session.logged"
    USER_DEACTIVATED = "user.deactivated"
    USER_REACTIVATED = "user.reactivated"
    USER_ROLES_CHANGED = "user.roles_changed"
    VAULT_MASTER_KEY_ROTATED = "vault.master_key_rotated"


#: Each action in plain English, for the audit trail and the case's story.
LABELS: dict[AuditAction, str] = {
    AuditAction.ACCOUNT_SECOND_FACTOR_LOCKED: "Second factor locked after wrong codes",
    AuditAction.ACCREDITATION_ACCREDITATION_MEETING: "Accreditation meeting recorded",
    AuditAction.ACCREDITATION_SELF_EVALUATION_ADDED: "Self-evaluation added",
    AuditAction.ACCREDITATION_SIGN_OFF: "Accreditation stage signed off",
    AuditAction.ACCREDITATION_TRANSITION_MEETING: "Transition meeting recorded",
    AuditAction.ADULT_ADDED: "Adult added",
    AuditAction.ANALYSIS_FAILED: "Moment finder stopped",
    AuditAction.ANALYSIS_REQUEUED: "Moment finder restarted",
    AuditAction.API_TOKEN_CREATED: "API token made",
    AuditAction.API_TOKEN_REVOKED: "API token revoked",
    AuditAction.CASE_CREATED: "Case opened",
    AuditAction.CASE_LIMIT_REACHED: "Refused: too many cases opened in a day",
    AuditAction.CASE_HANDED_OVER: "Case handed over to another guider",
    AuditAction.CASE_STATE_CHANGED: "State changed",
    AuditAction.CASE_UPDATED: "Case details changed",
    AuditAction.CASE_VIEWED: "Case looked at",
    AuditAction.CATALOGUE_PRINCIPLE_ADDED: "Principle added to the catalogue",
    AuditAction.CATALOGUE_PRINCIPLE_UPDATED: "Principle in the catalogue changed",
    AuditAction.CATALOGUE_SEEDED: "Catalogue of principles set up",
    AuditAction.COMMENT_ADDED: "Comment added",
    AuditAction.COMMENT_REOPENED: "Comment reopened",
    AuditAction.COMMENT_REPLIED: "Reply to a comment",
    AuditAction.COMMENT_RESOLVED: "Comment resolved",
    AuditAction.CONSENT_FORM_CREATED: "Consent form set up",
    AuditAction.CONSENT_FORM_VERSION_CREATED: "New version of the consent form",
    AuditAction.CONSENT_RECORDED: "Consent recorded",
    AuditAction.CONSENT_SUPERVISION_ACCESS_ENDED: "Supervisor's access to the films ended",
    AuditAction.CONSENT_WITHDRAWN: "Consent withdrawn",
    AuditAction.CYCLE_ADDED: "Cycle added",
    AuditAction.CYCLE_UPDATED: "Cycle plan updated",
    AuditAction.EDIT_UPDATED: "The edit changed",
    AuditAction.FILM_ANALYSED: "Moment finder ran",
    AuditAction.FILM_ANALYSIS_REQUESTED: "Moment finder asked to run",
    AuditAction.FILM_FAILED: "Film could not be processed",
    AuditAction.FILM_READY: "Film ready to watch",
    AuditAction.FILM_REMOVED: "Upload that could not be processed removed",
    AuditAction.FILM_REVIEW_FILMS_DELETED: "Films of the shared review deleted",
    AuditAction.FILM_REQUEUED: "Film processing restarted",
    AuditAction.FILM_RETRIED: "Film processing retried",
    AuditAction.FILM_SPEAKERS_RELABELLED: "Speakers relabelled",
    AuditAction.FILM_SPEAKERS_RESET: "Speaker corrections undone",
    AuditAction.FILM_UPLOADED: "Film uploaded",
    AuditAction.FILM_UPLOAD_EXPIRED: "Unfinished film upload removed",
    AuditAction.FILM_UPLOAD_STARTED: "Film upload started",
    AuditAction.FILM_VIEWED: "Film watched",
    AuditAction.HELPING_QUESTION_ADDED: "Helping question added",
    AuditAction.HELPING_QUESTION_REMOVED: "Helping question removed",
    AuditAction.HELPING_QUESTION_REWORDED: "Helping question reworded",
    AuditAction.INITIAL_MEETING_RECORDED: "Initial meeting recorded",
    AuditAction.INVITATION_ACCEPTED: "Invitation accepted",
    AuditAction.INVITATION_CREATED: "Invitation sent",
    AuditAction.LETTER_CORRECTED: "Closing letter corrected",
    AuditAction.LETTER_DRAFTED: "Closing letter drafted",
    AuditAction.LETTER_EXPORTED: "Copy of the closing letter made",
    AuditAction.LETTER_FINALISED: "Closing letter finalised",
    AuditAction.LETTER_SAVED: "Closing letter edited",
    AuditAction.LETTER_STILLS_PACK_DOWNLOADED: "Family's stills pack downloaded",
    AuditAction.LETTER_TEMPLATE_SAVED: "Letter template changed",
    AuditAction.MEDIA_DELETION_COMPLETED: "Deletion receipt written",
    AuditAction.MEDIA_DESTROYED: "Films deleted",
    AuditAction.MEDIA_LOCKED: "Films locked (consent withdrawn)",
    AuditAction.MOMENTS_TRAINING_UNMARKED: "Moments no longer marked for training",
    AuditAction.MOMENT_CREATED: "Moment marked",
    AuditAction.MOMENT_DELETED: "Moment removed",
    AuditAction.MOMENT_RENDER_REQUESTED: "Clip or still asked for",
    AuditAction.MOMENT_UPDATED: "Moment changed",
    AuditAction.PRESENTATION_VIEWED: "Shared review presented",
    AuditAction.RENDER_DOWNLOADED: "Clip or still downloaded",
    AuditAction.RENDER_FAILED: "Clip or still could not be rendered",
    AuditAction.RENDER_READY: "Clip or still rendered",
    AuditAction.RENDER_REQUEUED: "Rendering restarted",
    AuditAction.RENDER_VIEWED: "Clip or still watched",
    AuditAction.RETENTION_CANCELLED: "Planned deletion cancelled",
    AuditAction.RETENTION_PLANNED: "Deletion of the films planned",
    AuditAction.RETENTION_SCHEDULED: "Deletion of the films scheduled",
    AuditAction.REVIEW_COMPLETED: "Shared review completed",
    AuditAction.REVIEW_SAVED: "Shared review saved",
    AuditAction.SAFEGUARDING_AMENDED: "Safeguarding concern amended",
    AuditAction.SAFEGUARDING_CONCERN_RECORDED: "Safeguarding concern recorded",
    AuditAction.SAFEGUARDING_VIEWED: "Safeguarding concern read",
    AuditAction.SETTINGS_ACCREDITATION_CHANGED: "Accreditation settings changed",
    AuditAction.SETTINGS_CHANGED: "Service settings changed",
    AuditAction.SUBJECT_ACCESS_EXPORTED: "Subject access export made",
    AuditAction.SUGGESTION_ACCEPTED: "Suggestion accepted",
    AuditAction.SUGGESTION_LINKED: "Suggestion became a moment",
    AuditAction.SUGGESTION_REJECTED: "Suggestion rejected",
    AuditAction.SUGGESTION_REOPENED: "Suggestion reopened",
    AuditAction.SUPERVISION_LINK_CREATED: "Supervisor linked",
    AuditAction.SUPERVISION_LINK_ENDED: "Supervision link ended",
    AuditAction.SUPERVISION_SESSION_CONFIRMED: "Supervision session confirmed",
    AuditAction.SUPERVISION_SESSION_LOGGED: "Supervision session logged",
    AuditAction.USER_DEACTIVATED: "Account switched off",
    AuditAction.USER_REACTIVATED: "Account switched on again",
    AuditAction.USER_ROLES_CHANGED: "Roles changed",
    AuditAction.VAULT_MASTER_KEY_ROTATED: "Master key replaced",
}


def action_label(action: str) -> str:
    """The plain-English name of `action`; an unknown one is still made readable."""
    try:
        return LABELS[AuditAction(action)]
    except (ValueError, KeyError):
        return action.replace("_", " ").replace(".", ": ").capitalize()
