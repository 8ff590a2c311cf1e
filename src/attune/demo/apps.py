from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo service (`attune demo`): it builds a case at every stage of the work, so it sits
    above every domain app and nothing imports it."""

    name = "attune.demo"
    label = "demo"
    verbose_name = "Demo service"
