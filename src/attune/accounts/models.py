"""Services (the tenants), the people who work in them, their roles and supervision links."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone


class Service(models.Model):
    """An organisation, e.g. an educational psychology service. The tenant boundary."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    allow_downloads = models.BooleanField(
        default=False, help_text="Let guiders download rendered clips and stills."
    )
    retention_days = models.PositiveIntegerField(
        default=30, help_text="Days after a case closes before its media is deleted (0 = at once)."
    )
    records_years = models.PositiveSmallIntegerField(
        default=7,
        help_text="Years after a case closes that its records (letters, notes, consent and "
        "safeguarding records) are kept before review. Records are never deleted automatically.",
    )
    require_mfa = models.BooleanField(
        "require two-factor sign-in",
        default=False,
        help_text="Everyone in the service sets up two-factor sign-in before they see any case.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class Role(models.TextChoices):
    GUIDER = "guider", "Guider"
    SUPERVISOR = "supervisor", "Supervisor"
    SERVICE_ADMIN = "service_admin", "Service admin"


class User(AbstractUser):
    """A member of staff. Every user belongs to exactly one service (platform superusers: none)."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    is_guider = models.BooleanField(default=False)
    is_trainee = models.BooleanField(
        default=False, help_text="A guider in training, who receives monthly supervision."
    )
    is_supervisor = models.BooleanField(default=False)
    is_service_admin = models.BooleanField(default=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "email" in update_fields:
            record_verified_address(self)

    @property
    def roles(self) -> list[str]:
        labels = []
        if self.is_guider:
            labels.append("Trainee guider" if self.is_trainee else "Guider")
        if self.is_supervisor:
            labels.append("Supervisor")
        if self.is_service_admin:
            labels.append("Service admin")
        return labels

    @property
    def first_name_display(self) -> str:
        """The first name, not a title: "Dr Amelia Hart" is Amelia."""
        words = (self.full_name or self.email).split()
        named = [w for w in words if w.lower().rstrip(".") not in TITLES]
        return (named or words or [self.email])[0]

    @property
    def initial(self) -> str:
        """The letter on the person's avatar: their first name's, never a title's."""
        return self.first_name_display[:1].upper()


#: Words before a name that are not the name (an avatar shows the first name's letter).
TITLES = frozenset(
    {"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "rev", "sir", "dame"}
)


def record_verified_address(user: User) -> None:
    """Every staff address is verified: nobody signs themselves up. An invitation is accepted
    from the link mailed to the address, and `createsuperuser` and the demo are run by the
    operator. allauth refuses to add a second factor while an account has an unverified
    address, and offers a sign-in code for re-authentication only to a verified one, so the
    address is recorded as verified, primary and the only one, whenever it is set."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).delete()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


class SupervisionLink(models.Model):
    """A supervisor supervises a guider (usually a trainee) within one service."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE)
    supervisor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="supervisees_links")
    supervisee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="supervisor_links")
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["supervisor", "supervisee"],
                condition=models.Q(ended_on__isnull=True),
                name="one_active_supervision_link",
            )
        ]

    def __str__(self) -> str:
        return f"{self.supervisor} supervises {self.supervisee}"


def hash_secret(secret: str) -> str:
    """Tokens are long random strings, so one round of SHA-256 is enough (no salt needed)."""
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenScope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=8, choices=TokenScope.choices, default=TokenScope.READ)
    # Null only for a row written before tokens expired; such a token is refused.
    expires_at = models.DateTimeField(null=True)
    prefix = models.CharField(max_length=16, help_text="The first characters, to recognise it.")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at is None or self.expires_at <= timezone.now()

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.WRITE


class Invitation(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    is_guider = models.BooleanField(default=False)
    is_trainee = models.BooleanField(default=False)
    is_supervisor = models.BooleanField(default=False)
    is_service_admin = models.BooleanField(default=False)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
