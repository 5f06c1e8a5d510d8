"""CDS Hooks 2.0: a `patient-view` service that answers the case's assessment as cards.

The EHR sends a JWT signed with one of its keys (configured per EHR, `jwks`); issuer, audience,
expiry and `jti` (once only) are checked, or the answer is 401. The patient's data comes from the
hook's `prefetch`, or is fetched from `fhirServer` with the given access token (only from the FHIR
servers configured for that EHR). The data are read by the same FHIR reader as an import, without
saving anything, and assessed through the assessment service. Off unless configured
(docs/operations.md).
"""

from __future__ import annotations

import datetime
import json
import logging
import urllib.parse
import urllib.request
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jwt
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from pydantic import ValidationError

from cases.assessing import assess_facts, today
from cases.clinical.parse import CaseFormatError
from cases.clinical.vocab import RULE_SET
from cases.models import Case
from cases.presenters import Summary
from interop import codes as c
from interop.fhir_export import validated
from interop.fhir_import import library_problems, parse_bundle_data
from interop.models import UsedToken

logger = logging.getLogger(__name__)

SERVICE_ID = "hcc-tace-review"
ALGORITHMS = ["ES384", "RS384"]  # what CDS Hooks 2.0 lets a client sign with
MAX_LIFETIME = 300  # seconds: the spec's "exp no more than 5 minutes in the future"
LEEWAY = 30  # seconds of clock difference tolerated
FETCH_TIMEOUT = 10
MAX_FETCH_BYTES = 5_000_000
MAX_RESOURCES = 20_000  # a long EHR record of labs; beyond it the card says why nothing was assessed

PREFETCH = {
    "patient": "Patient/{{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}",
    "observations": "Observation?patient={{context.patientId}}",
    "procedures": "Procedure?patient={{context.patientId}}",
    "medications": "MedicationStatement?patient={{context.patientId}}",
}


class Unauthorized(Exception):
    """The request's JWT is missing or fails a check (answered with 401)."""


class Unavailable(Exception):
    """The patient's data could not be had from prefetch nor from the FHIR server (answered with 412)."""


def ehrs() -> dict[str, Any]:
    """The configured EHRs by issuer: `settings.CDS_HOOKS_EHRS`, or the JSON file named by
    `CDS_HOOKS_EHRS_FILE`. Empty: the service is off."""
    configured = getattr(settings, "CDS_HOOKS_EHRS", None)
    if configured is not None:
        return dict(configured)
    path = getattr(settings, "CDS_HOOKS_EHRS_FILE", "")
    if not path:
        return {}
    try:
        loaded = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        # A broken file switches the service off (404) with an error in the log, never a 500.
        logger.error("CDS_HOOKS_EHRS_FILE %s cannot be read: %s", path, error)
        return {}
    return loaded if isinstance(loaded, dict) else {}


def discovery() -> dict[str, Any]:
    return {
        "services": [
            {
                "hook": "patient-view",
                "id": SERVICE_ID,
                "title": "HCC after TACE: tumor-board assessment",
                "description": "Whether TACE has stopped working (kr-2022.2), the systemic options with "
                "their doses, and every stop or warning flag with its source.",
                "prefetch": PREFETCH,
                "usageRequirements": "The patient's HCC labs, TACE sessions and systemic therapies in FHIR R4.",
            }
        ]
    }


def verify(authorization: str, audience: str) -> dict[str, Any]:
    """The token's claims, once every check passed; raises Unauthorized naming the failed check."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("a Bearer JWT is required")
    try:
        header = jwt.get_unverified_header(token)
        issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.PyJWTError as error:
        raise Unauthorized(f"unreadable token: {error}") from None
    ehr = ehrs().get(issuer) if isinstance(issuer, str) else None
    if ehr is None or not isinstance(issuer, str):
        raise Unauthorized("unknown issuer")
    try:
        keys = [k for k in jwt.PyJWKSet.from_dict(ehr["jwks"]).keys if header.get("kid") in (None, k.key_id)]
    except jwt.PyJWTError as error:  # the EHR's configured keys are unusable: a configuration error
        logger.error("CDS Hooks: the keys configured for %s cannot be read: %s", issuer, error)
        raise Unauthorized("the EHR's keys are not usable here") from None
    if not keys:
        raise Unauthorized("no configured key matches the token's kid")
    claims: dict[str, Any] | None = None
    for key in keys:
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=ALGORITHMS,
                audience=audience,
                issuer=issuer,
                leeway=LEEWAY,
                options={"require": ["iss", "sub", "aud", "exp", "iat", "jti"]},
            )
            break
        except jwt.InvalidSignatureError:
            continue
        except jwt.PyJWTError as error:
            raise Unauthorized(str(error)) from None
    if claims is None:
        raise Unauthorized("signature does not verify with the EHR's keys")
    now = timezone.now().timestamp()
    if claims["exp"] > now + MAX_LIFETIME + LEEWAY:
        raise Unauthorized("token lives longer than five minutes")
    if not isinstance(claims["jti"], str) or not 0 < len(claims["jti"]) <= 255:
        raise Unauthorized("jti must be a string of at most 255 characters")
    _use_once(issuer, claims["jti"], claims["exp"])
    return claims


def _use_once(issuer: str, jti: str, exp: float) -> None:
    UsedToken.objects.filter(expires__lt=timezone.now()).delete()
    try:
        with transaction.atomic():
            expires = datetime.datetime.fromtimestamp(exp + LEEWAY, tz=datetime.UTC)
            UsedToken.objects.create(issuer=issuer, jti=jti, expires=expires)
    except IntegrityError:
        raise Unauthorized("token already used (jti replayed)") from None


def gather(request: Mapping[str, Any], issuer: str) -> list[dict[str, Any]]:
    """Every resource of the patient: from prefetch, else from the FHIR server."""
    context = request.get("context")
    patient_id = context.get("patientId") if isinstance(context, dict) else None
    if not isinstance(patient_id, str) or not patient_id:
        raise Unavailable("context.patientId is required")
    prefetch = request.get("prefetch")
    prefetch = prefetch if isinstance(prefetch, dict) else {}
    resources: list[dict[str, Any]] = []
    for key, template in PREFETCH.items():
        found = prefetch.get(key)
        if found is None:
            found = _fetch(
                request,
                issuer,
                template.replace("{{context.patientId}}", urllib.parse.quote(patient_id, safe="")),
            )
        if isinstance(found, dict) and found.get("resourceType") == "Bundle":
            resources += [
                e["resource"]
                for e in found.get("entry") or []
                if isinstance(e, dict)
                and isinstance(e.get("resource"), dict)
                and (e.get("search") or {}).get("mode") != "outcome"
            ]
        elif isinstance(found, dict):
            resources.append(found)
    return resources


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx is then an HTTPError: "the FHIR server did not answer"


_NO_REDIRECTS = urllib.request.build_opener(_RefuseRedirects)


def _fetch(request: Mapping[str, Any], issuer: str, query: str) -> Any:
    server = str(request.get("fhirServer") or "").rstrip("/")
    allowed = [s.rstrip("/") for s in ehrs()[issuer].get("fhir_servers", [])]
    if not server:
        raise Unavailable("prefetch is incomplete and no fhirServer was given")
    if server not in allowed:
        raise Unavailable("fhirServer is not one configured for this EHR")
    auth = request.get("fhirAuthorization")
    headers = {"Accept": "application/fhir+json"}
    if isinstance(auth, dict) and isinstance(auth.get("access_token"), str):
        headers["Authorization"] = f"Bearer {auth['access_token']}"
    try:
        # No redirects: the EHR's token goes to the configured server and nowhere else.
        with _NO_REDIRECTS.open(
            urllib.request.Request(f"{server}/{query}", headers=headers), timeout=FETCH_TIMEOUT
        ) as answer:
            return json.loads(answer.read(MAX_FETCH_BYTES + 1)[:MAX_FETCH_BYTES])
    except (OSError, ValueError) as error:
        raise Unavailable(f"the FHIR server did not answer {query.split('?')[0]}: {error}") from None


def known_case(resources: list[dict[str, Any]]) -> Case | None:
    """The case here whose label is the patient's identifier in our label system, if any. Only that
    system: a hospital number or a study id that happens to read like a label is another patient's."""
    patient = next((r for r in resources if isinstance(r, dict) and r.get("resourceType") == "Patient"), {})
    found = patient.get("identifier")
    identifiers: list[Any] = found if isinstance(found, list) else []
    values = [
        i["value"]
        for i in identifiers
        if isinstance(i, dict) and i.get("system") == c.LABEL_SYSTEM and isinstance(i.get("value"), str)
    ]
    return Case.objects.filter(label__in=values).first() if values else None


def cards(resources: list[dict[str, Any]], link: str | None) -> list[dict[str, Any]]:
    """The cards for the patient's data: the assessment, or why it could not be made."""
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}
    try:
        if len(resources) > MAX_RESOURCES:
            raise CaseFormatError(
                [f"{len(resources):,} resources; the service reads at most {MAX_RESOURCES:,}"]
            )
        try:
            validated(bundle)  # the reader trusts the shapes the R4B models guarantee
        except ValidationError as error:
            raise CaseFormatError(library_problems(error)) from None
        parsed = parse_bundle_data(bundle, today(), lenient=True)
    except CaseFormatError as error:
        lines = "\n".join(f"- {p}" for p in error.problems)
        return [
            _card("The EHR's data could not be assessed", f"What could not be read:\n\n{lines}", "info", None)
        ]
    return summary_cards(assess_facts(parsed.facts).summary, link)


def _source(label: str, topic: str | None = None) -> dict[str, Any]:
    source: dict[str, Any] = {"label": label[:200]}
    if topic:
        source["topic"] = {"system": c.RULE_SYSTEM, "code": topic}
    return source


def _card(
    summary: str, detail: str, indicator: str, link: str | None, source: dict[str, Any] | None = None
) -> dict[str, Any]:
    card: dict[str, Any] = {
        "uuid": str(uuid.uuid4()),
        "summary": summary[:140],
        "detail": detail,
        "indicator": indicator,
        "source": source or _source("HCC tumor board, rule set " + RULE_SET),
    }
    if link:
        card["links"] = [{"label": "Open the case's recommendation", "url": link, "type": "absolute"}]
    return card


def summary_cards(summary: Summary, link: str | None) -> list[dict[str, Any]]:
    a = summary.assessment
    rule_set = f"rule set {a.rule_set} (KLCA-NCC 2022 and the pivotal trials)"
    criteria = "\n".join(f"- {row.id} {row.title}: {row.status_label}" for row in summary.criteria)
    out = [
        _card(
            f"TACE: {summary.refractoriness}",
            f"Assessed as of {a.as_of.isoformat()}. Algorithm step {summary.step_label}\n\n{criteria}",
            "info",
            link,
            _source(rule_set),
        )
    ]
    chosen = [o for o in summary.options if o.status in ("recommended", "eligible")]
    if chosen:
        lines = "\n".join(
            f"- {o.label} ({o.status_label}): {o.dose or 'dose needs the weight'}" for o in chosen
        )
        reasons = sorted({r.id for o in chosen for r in o.reasons})
        out.append(
            _card(
                "Systemic options: " + ", ".join(f"{o.label} ({o.status_label})" for o in chosen),
                f"Options listed for the board to weigh, not one directive.\n\n{lines}",
                "info",
                link,
                _source(f"{rule_set}; rules {', '.join(reasons)}" if reasons else rule_set),
            )
        )
    for flag in summary.flags:
        if flag.severity not in ("stop", "warning"):
            continue
        indicator = "critical" if flag.severity == "stop" else "warning"
        detail = flag.text + ("\n\n" + "\n".join(f"- {e}" for e in flag.evidence) if flag.evidence else "")
        out.append(
            _card(
                flag.title,
                detail,
                indicator,
                link,
                _source(f"{flag.id} ({a.rule_set}): {flag.citation or flag.source}", flag.id),
            )
        )
    return out
