from typing import Any, cast

from django.apps import AppConfig, apps


class InteropConfig(AppConfig):
    """FHIR R4 export and import of a case, and the CDS Hooks service (docs/FHIR.md)."""

    name = "interop"
    verbose_name = "Interoperability (FHIR, CDS Hooks)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cases.apps import CasesConfig
        from interop import services

        # Plugged in through cases/apps.py: cases never imports interop.
        cases = cast(CasesConfig, apps.get_app_config("cases"))
        cases.new_case_sections.append("interop/fhir_upload.html#upload")
        cases.exporters["fhir"] = services.export_text
        cases.importers["fhir"] = _import_for_command


def _import_for_command(raw: bytes, fallback_label: str | None) -> tuple[Any, list[str]]:
    from interop.services import import_bundle

    case, problems = import_bundle(raw, fallback_label)
    return (f"{case.label} (id {case.pk})" if case else None), problems
