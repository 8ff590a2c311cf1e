"""Thin tasks: take ids, call services, safe to run twice."""

from __future__ import annotations

from django_tasks import task

from attune.films import services


@task()
def process_film(film_id: str) -> None:
    services.film_process(film_id)
