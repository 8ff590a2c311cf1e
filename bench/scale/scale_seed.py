"""Seed the scale run: two services of guiders, each with agreed cases (consent to filming and
supervision), and one film per browsing guider, uploaded through the same service as a browser.

Run with the scale run's environment (``python bench/scale/scale_seed.py OUT.json --staff 50``);
writes who signs in, their cases and films, for the load script to read.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--staff", type=int, default=50, help="guiders across the two services")
    parser.add_argument("--uploaders", type=int, default=20, help="of whom upload during the run")
    parser.add_argument("--cases", type=int, default=3, help="cases per guider")
    parser.add_argument("--film", type=Path, required=True, help="the film each browser has")
    parser.add_argument("--password", default="attune-scale-2026")
    args = parser.parse_args()
    django.setup()

    from attune.accounts.models import Service, User
    from attune.cases.models import Case
    from attune.consent.models import Scope
    from attune.films.services import film_import
    from attune.samples.cases import Stage, case_at_stage

    services = [
        Service.objects.create(name="Severn Vale EPS", slug="severn-vale"),
        Service.objects.create(name="Wyre Forest EPS", slug="wyre-forest"),
    ]
    people = []
    for n in range(args.staff):
        service = services[n % 2]
        user = User(
            email=f"guider{n}@{service.slug}.example.org",
            full_name=f"Guider {n}",
            service=service,
            is_guider=True,
        )
        user.set_password(args.password)
        user.save()
        refs = []
        films = []
        for c in range(args.cases):
            case = case_at_stage(
                user,
                Stage.AGREED,
                child_name=f"Child {n}-{c}",
                scopes=[Scope.FILMING, Scope.SUPERVISION],
            )
            refs.append(case.reference)
        uploader = n < args.uploaders
        if not uploader:
            case = Case.objects.get(reference=refs[0])
            film = film_import(
                actor=user, case=case, cycle=case.cycles.get(number=1), path=args.film
            )
            films.append(str(film.pk))
        people.append(
            {
                "email": user.email,
                "service": service.slug,
                "cases": refs,
                "films": films,
                "uploader": uploader,
            }
        )
    args.out.write_text(json.dumps({"password": args.password, "people": people}, indent=1))
    print(f"Seeded {len(people)} guiders in 2 services, {len(people) * args.cases} cases")


if __name__ == "__main__":
    main()
