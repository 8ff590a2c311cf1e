"""Thin tasks: take ids, call services, safe to run twice."""

from __future__ import annotations

from django_tasks import task

from attune.analysis import services


@task()
def analyse_film(film_id: str) -> None:
    services.film_analyse(film_id)
