"""CDS Hooks 2.0: discovery, the patient-view service's cards for the vignettes' patients, the JWT
checks (good token, wrong key, expired, wrong audience, replayed jti) and fetching from fhirServer
(a stub FHIR server on loopback) when prefetch is missing."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.test import Client

from cases.assessing import assess_facts
from cases.clinical.parse import CaseFormatError, parse_case_document
from cases.models import Case
from interop.codes import LABEL_SYSTEM
from interop.fhir_export import case_bundle

pytestmark = pytest.mark.django_db
ISS = "https://ehr.example.org"
SERVICE = "/cds-services/hcc-tace-review"
AUD = f"http://testserver{SERVICE}"
VIGNETTES = sorted((Path(__file__).resolve().parents[1] / "vignettes").glob("*.json"))
EHR_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EHR_EC_KEY = ec.generate_private_key(ec.SECP384R1())
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key: Any, kid: str) -> dict[str, Any]:
    algorithm = (
        jwt.algorithms.RSAAlgorithm if isinstance(key, rsa.RSAPrivateKey) else jwt.algorithms.ECAlgorithm
    )
    return {**json.loads(algorithm.to_jwk(key.public_key())), "kid": kid}


@pytest.fixture(autouse=True)
def configured(settings: Any) -> None:
    settings.CDS_HOOKS_EHRS = {
        ISS: {
            "jwks": {"keys": [public_jwk(EHR_KEY, "rsa-1"), public_jwk(EHR_EC_KEY, "ec-1")]},
            "fhir_servers": [],
        }
    }


def token(key: Any = EHR_KEY, kid: str = "rsa-1", alg: str = "RS384", **overrides: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": ISS,
        "sub": "client-1",
        "aud": AUD,
        "iat": now,
        "exp": now + 240,
        "jti": str(uuid.uuid4()),
    }
    return jwt.encode({**claims, **overrides}, key, algorithm=alg, headers={"kid": kid})


def searchset(resources: list[dict]) -> dict:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": r, "search": {"mode": "match"}} for r in resources],
    }


def prefetch_of(bundle: dict) -> dict[str, Any]:
    """The prefetch an EHR would send for the patient of one of our Bundles."""
    by_type: dict[str, list[dict]] = {}
    for entry in bundle["entry"]:
        by_type.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return {
        "patient": by_type["Patient"][0],
        "conditions": searchset(by_type.get("Condition", [])),
        "observations": searchset(by_type.get("Observation", [])),
        "procedures": searchset(by_type.get("Procedure", [])),
        "medications": searchset(by_type.get("MedicationStatement", [])),
    }


def hook(prefetch: dict | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "hook": "patient-view",
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/1", "patientId": "p1"},
        **({"prefetch": prefetch} if prefetch is not None else {}),
        **extra,
    }


def call(client: Client, body: dict, jwt_token: str | None = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {jwt_token or token()}"}
    return client.post(SERVICE, json.dumps(body), content_type="application/json", **headers)


def test_discovery_lists_the_patient_view_service_with_its_prefetch(client: Client) -> None:
    (service,) = client.get("/cds-services").json()["services"]
    assert service["hook"] == "patient-view" and service["id"] == "hcc-tace-review"
    assert service["prefetch"]["patient"] == "Patient/{{context.patientId}}"
    assert {"title", "description"} <= set(service)


def test_off_unless_configured(client: Client, settings: Any) -> None:
    settings.CDS_HOOKS_EHRS = {}
    assert client.get("/cds-services").status_code == 404
    assert call(client, hook({})).status_code == 404


def vignette_cases() -> list[tuple[str, Any]]:
    out = []
    for path in VIGNETTES:
        try:
            out.append((path.stem, parse_case_document(json.loads(path.read_text())["case"])))
        except CaseFormatError:
            continue
    return out


@pytest.mark.parametrize(("name", "parsed"), vignette_cases(), ids=[n for n, _ in vignette_cases()])
def test_cards_for_each_vignette_patient(client: Client, name: str, parsed: Any, settings: Any) -> None:
    assessed = assess_facts(parsed.facts, as_of=parsed.as_of)
    bundle = case_bundle(assessed.case_document())
    # The service assesses as of today: the vignette's records all lie before it.
    response = call(client, hook(prefetch_of(bundle)))
    assert response.status_code == 200, response.content
    cards = response.json()["cards"]
    summary = assess_facts(parsed.facts).summary
    assert cards[0]["summary"] == f"TACE: {summary.refractoriness}"
    for card in cards:
        assert set(card) >= {"uuid", "summary", "indicator", "source", "detail"}
        assert card["indicator"] in ("info", "warning", "critical") and len(card["summary"]) <= 140
        assert card["source"]["label"] and "links" not in card  # this patient is not a case here
    flags = [f for f in summary.flags if f.severity in ("stop", "warning")]
    flag_cards = cards[-len(flags) :] if flags else []
    assert [c["indicator"] for c in flag_cards] == [
        "critical" if f.severity == "stop" else "warning" for f in flags
    ]
    assert all(f.id in c["source"]["label"] for f, c in zip(flags, flag_cards, strict=True))
    chosen = [o for o in summary.options if o.status in ("recommended", "eligible")]
    if chosen:
        options_card = cards[1]
        assert all(o.label in options_card["summary"] for o in chosen)
        assert all((o.dose or "dose needs the weight") in options_card["detail"] for o in chosen)


def test_a_known_patient_gets_a_link_to_the_recommendation(client: Client) -> None:
    case = Case.objects.create(label="HCC-7001")
    parsed = vignette_cases()[0][1]
    bundle = case_bundle(assess_facts(parsed.facts, as_of=parsed.as_of).case_document())
    prefetch = prefetch_of(bundle)
    prefetch["patient"]["identifier"] = [{"system": LABEL_SYSTEM, "value": "HCC-7001"}]
    cards = call(client, hook(prefetch)).json()["cards"]
    assert cards[0]["links"][0]["url"] == f"http://testserver/cases/{case.pk}/recommendation/"


def test_a_hospital_number_that_reads_like_a_label_links_to_no_case(client: Client) -> None:
    Case.objects.create(label="HCC-7001")
    parsed = vignette_cases()[0][1]
    prefetch = prefetch_of(case_bundle(assess_facts(parsed.facts, as_of=parsed.as_of).case_document()))
    prefetch["patient"]["identifier"] = [{"system": "urn:oid:1.2.410.100.1", "value": "HCC-7001"}]
    cards = call(client, hook(prefetch)).json()["cards"]
    assert cards and not any(card.get("links") for card in cards)  # another patient's case is never offered


@pytest.mark.parametrize("body", [{"prefetch": [], "context": {"patientId": "p1"}}, {"context": "p1"}])
def test_a_malformed_hook_request_is_refused_not_a_server_error(client: Client, body: dict) -> None:
    response = call(client, {**hook({}), **body})
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    "bad",
    [
        "wrong key",
        "expired",
        "wrong audience",
        "unknown issuer",
        "no exp",
        "no token",
        "lives too long",
        "alg none",
    ],
)
def test_bad_tokens_get_401(client: Client, bad: str) -> None:
    now = int(time.time())
    tokens = {
        "wrong key": lambda: token(OTHER_KEY),
        "expired": lambda: token(iat=now - 900, exp=now - 600),
        "wrong audience": lambda: token(aud="https://elsewhere.example.org/cds-services/hcc-tace-review"),
        "unknown issuer": lambda: token(iss="https://other-ehr.example.org"),
        "no exp": lambda: jwt.encode(
            {"iss": ISS, "aud": AUD, "iat": now, "jti": "j"}, EHR_KEY, algorithm="RS384"
        ),
        "no token": lambda: "",
        "lives too long": lambda: token(exp=now + 3600),
        "alg none": lambda: jwt.encode(
            {"iss": ISS, "aud": AUD, "iat": now, "exp": now + 60, "jti": "n"}, None, algorithm="none"
        ),
    }
    response = client.post(
        SERVICE,
        json.dumps(hook({})),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {tokens[bad]()}",
    )
    assert response.status_code == 401, bad
    assert "cards" not in response.json()


def test_a_good_token_once_and_a_replayed_jti_refused(client: Client) -> None:
    parsed = vignette_cases()[0][1]
    prefetch = prefetch_of(case_bundle(assess_facts(parsed.facts, as_of=parsed.as_of).case_document()))
    good = token()
    assert call(client, hook(prefetch), good).status_code == 200
    replay = call(client, hook(prefetch), good)
    assert replay.status_code == 401 and "jti" in replay.json()["error"]
    # ES384 keys work too
    assert call(client, hook(prefetch), token(EHR_EC_KEY, kid="ec-1", alg="ES384")).status_code == 200


@pytest.fixture
def fhir_server(settings: Any) -> Iterator[dict[str, Any]]:
    """A FHIR server stub on loopback answering the service's five queries, recording the tokens."""
    parsed = vignette_cases()[0][1]
    prefetch = prefetch_of(case_bundle(assess_facts(parsed.facts, as_of=parsed.as_of).case_document()))
    answers = {
        "/fhir/Patient/p1": prefetch["patient"],
        "/fhir/Condition?patient=p1": prefetch["conditions"],
        "/fhir/Observation?patient=p1": prefetch["observations"],
        "/fhir/Procedure?patient=p1": prefetch["procedures"],
        "/fhir/MedicationStatement?patient=p1": prefetch["medications"],
    }
    seen: dict[str, Any] = {"auth": [], "paths": []}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen["auth"].append(self.headers.get("Authorization"))
            seen["paths"].append(self.path)
            body = json.dumps(answers.get(self.path, {"resourceType": "OperationOutcome"})).encode()
            self.send_response(200 if self.path in answers else 404)
            self.send_header("Content-Type", "application/fhir+json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/fhir"
    settings.CDS_HOOKS_EHRS = {ISS: {**settings.CDS_HOOKS_EHRS[ISS], "fhir_servers": [base]}}
    seen["base"] = base
    yield seen
    server.shutdown()
    server.server_close()


def test_without_prefetch_the_service_fetches_from_the_fhir_server(client: Client, fhir_server: dict) -> None:
    body = hook(
        None,
        fhirServer=fhir_server["base"],
        fhirAuthorization={"access_token": "at-123", "token_type": "Bearer"},
    )
    response = call(client, body)
    assert response.status_code == 200, response.content
    assert response.json()["cards"][0]["summary"].startswith("TACE: ")
    assert len(fhir_server["paths"]) == 5 and set(fhir_server["auth"]) == {"Bearer at-123"}


def test_a_fhir_server_not_configured_for_the_ehr_is_not_called(client: Client, fhir_server: dict) -> None:
    body = hook(None, fhirServer="http://127.0.0.1:9/fhir", fhirAuthorization={"access_token": "x"})
    response = call(client, body)
    assert response.status_code == 412 and fhir_server["paths"] == []


def test_missing_prefetch_without_a_server_is_412_and_a_wrong_hook_400(client: Client) -> None:
    assert call(client, hook(None)).status_code == 412
    assert call(client, {**hook({}), "hook": "order-select"}).status_code == 400


def test_ehr_data_that_cannot_be_read_answer_one_card_saying_why(client: Client) -> None:
    from tests.interop.ehr_bundle import lab

    prefetch = {
        "patient": {"resourceType": "Patient", "id": "p1"},
        "observations": searchset([lab("o1", "1751-7", 38, "mmol/L")]),
    }
    prefetch |= {k: searchset([]) for k in ("conditions", "procedures", "medications")}
    (card,) = call(client, hook(prefetch)).json()["cards"]
    assert card["summary"] == "The EHR's data could not be assessed" and "mmol/L" in card["detail"]


def test_resources_the_fhir_library_refuses_answer_one_card_with_its_message(client: Client) -> None:
    bad = {"resourceType": "Observation", "id": "o1", "status": "final", "valueQuantity": {"value": "lots"}}
    prefetch = {"patient": {"resourceType": "Patient", "id": "p1"}, "observations": searchset([bad])}
    prefetch |= {k: searchset([]) for k in ("conditions", "procedures", "medications")}
    response = call(client, hook(prefetch))
    assert response.status_code == 200
    (card,) = response.json()["cards"]
    assert card["indicator"] == "info" and "FHIR R4 validation" in card["detail"]


def test_an_ehr_record_with_data_we_do_not_map_is_still_assessed(client: Client) -> None:
    from tests.interop.ehr_bundle import ehr_bundle, lab

    resources = [e["resource"] for e in ehr_bundle()["entry"]] + [lab("o8", "2160-0", 1.0, "mg/dL")]
    by_type = lambda t: searchset([r for r in resources if r["resourceType"] == t])  # noqa: E731
    prefetch = {
        "patient": resources[0],
        "conditions": by_type("Condition"),
        "observations": by_type("Observation"),
    }
    prefetch |= {"procedures": searchset([]), "medications": searchset([])}
    cards = call(client, hook(prefetch)).json()["cards"]
    assert cards[0]["summary"].startswith("TACE: ")  # creatinine is passed over, not a refusal


def test_the_ehrs_come_from_the_configured_file(
    client: Client, settings: Any, tmp_path: Path, caplog: Any
) -> None:
    path = tmp_path / "ehrs.json"
    path.write_text(json.dumps(settings.CDS_HOOKS_EHRS))
    settings.CDS_HOOKS_EHRS = None
    settings.CDS_HOOKS_EHRS_FILE = str(path)
    assert client.get("/cds-services").status_code == 200
    path.write_text("{not json")
    assert client.get("/cds-services").status_code == 404  # off, and said so in the log
    assert "CDS_HOOKS_EHRS_FILE" in caplog.text
