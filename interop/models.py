from django.db import models


class UsedToken(models.Model):
    """A CDS Hooks JWT already accepted: its ``jti`` may not be used again (replay), until it expires.

    In the database, not the cache: the cache may be per process or switched off (DJANGO_CACHE)."""

    issuer = models.CharField(max_length=255)
    jti = models.CharField(max_length=255)
    expires = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "jti"], name="cds_token_used_once")]

    def __str__(self) -> str:
        return f"{self.issuer} {self.jti}"
