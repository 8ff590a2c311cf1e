"""Thin tasks: take ids, call services, safe to run twice."""

from __future__ import annotations

from django_tasks import task

from attune.films import processing


@task()
def process_film(film_id: str) -> None:
    processing.film_process(film_id)
