"""Django's admin with Attune's read-only site (see ``attune.core.admin``)."""

from django.contrib.admin.apps import AdminConfig


class AttuneAdminConfig(AdminConfig):
    default_site = "attune.core.admin.AttuneAdminSite"
