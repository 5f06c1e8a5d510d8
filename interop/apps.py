from django.apps import AppConfig


class InteropConfig(AppConfig):
    """FHIR R4 export and import of a case, and the CDS Hooks service (docs/FHIR.md)."""

    name = "interop"
    verbose_name = "Interoperability (FHIR, CDS Hooks)"
    default_auto_field = "django.db.models.BigAutoField"
