"""Comments pinned to a time in a film, for the editor's timeline."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status

from attune.accounts.models import User
from attune.core.errors import PermissionDenied
from attune.films.models import Film
from attune.films.selectors import film_for_user
from attune.moments.selectors import moment_for_user
from attune.supervision import selectors, services
from attune.supervision.models import Comment

router = Router(tags=["supervision"])


class MessageOut(Schema):
    id: int
    author: str
    author_is_me: bool
    body: str
    created_at: datetime


class ThreadOut(Schema):
    id: int
    at_seconds: float
    moment_id: uuid.UUID | None
    resolved: bool
    messages: list[MessageOut]


class CommentIn(Schema):
    at_seconds: float
    body: str
    moment_id: uuid.UUID | None = None


class ReplyIn(Schema):
    body: str


class ResolveIn(Schema):
    resolved: bool = True


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _message(comment: Comment, user: User) -> MessageOut:
    return MessageOut(
        id=comment.pk,
        author=str(comment.author),
        author_is_me=comment.author_id == user.pk,
        body=comment.body,
        created_at=comment.created_at,
    )


def thread_out(thread: Comment, user: User) -> ThreadOut:
    return ThreadOut(
        id=thread.pk,
        at_seconds=thread.at_seconds,
        moment_id=thread.moment_id,
        resolved=thread.resolved_at is not None,
        messages=[_message(c, user) for c in [thread, *thread.replies.all()]],
    )


def _film(user: User, film_id: uuid.UUID) -> Film:
    film, _access = film_for_user(user, film_id)
    if not selectors.may_comment(user, film):
        raise PermissionDenied("Comments are for the guider and their supervisor.")
    return film


def _thread(user: User, comment_id: int) -> Comment:
    comment = selectors.comment_for_user(user, comment_id)
    if not selectors.may_comment(user, comment.film):
        raise PermissionDenied("Comments are for the guider and their supervisor.")
    return comment


@router.get("/films/{film_id}/comments", response=list[ThreadOut])
def list_comments(request: HttpRequest, film_id: uuid.UUID) -> list[ThreadOut]:
    user = _user(request)
    film = _film(user, film_id)
    return [thread_out(t, user) for t in selectors.threads_for_film(film)]


@router.post("/films/{film_id}/comments", response={201: ThreadOut})
def add_comment(request: HttpRequest, film_id: uuid.UUID, payload: CommentIn) -> Status[ThreadOut]:
    user = _user(request)
    film = _film(user, film_id)
    moment = None
    if payload.moment_id is not None:
        moment, _ = moment_for_user(user, payload.moment_id)
    comment = services.comment_add(
        actor=user,
        film=film,
        at_seconds=payload.at_seconds,
        body=payload.body,
        moment=moment,
        base_url=request.build_absolute_uri("/"),
    )
    return Status(201, thread_out(comment, user))


@router.post("/comments/{comment_id}/replies", response={201: ThreadOut})
def reply(request: HttpRequest, comment_id: int, payload: ReplyIn) -> Status[ThreadOut]:
    user = _user(request)
    comment = _thread(user, comment_id)
    reply = services.comment_reply(
        actor=user, comment=comment, body=payload.body, base_url=request.build_absolute_uri("/")
    )
    thread = selectors.comment_for_user(user, reply.root.pk)
    return Status(201, thread_out(thread, user))


@router.post("/comments/{comment_id}/resolve", response=ThreadOut)
def resolve(request: HttpRequest, comment_id: int, payload: ResolveIn) -> ThreadOut:
    user = _user(request)
    comment = _thread(user, comment_id)
    thread = services.comment_resolve(actor=user, comment=comment, resolved=payload.resolved)
    return thread_out(thread, user)
