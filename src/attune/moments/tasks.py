"""Thin tasks: take ids, call services, safe to run twice."""

from __future__ import annotations

from django_tasks import task

from attune.moments import rendering


@task()
def render_moment(render_id: str) -> None:
    rendering.render_run(render_id)
