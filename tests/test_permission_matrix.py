"""Every URL × {anonymous, signed in without a role, viewer, board member, coordinator} × {GET, POST},
against a stated table.

The table is the access policy in one place: a change of policy is a change of this table.
Codes: 200 shown or done, 302 done then redirected (or, for anonymous, sent to sign in), 403
refused for the role, 405 wrong method, 409 refused because the thing is frozen (a signed
decision; meeting 1's date, attendance and agenda, frozen by that decision). A signed-in user in no
group gets 403 on every URL of the table (removing a user's role removes their access); anonymous
users are sent to sign in. POSTs carry no form data: a write that is allowed answers with its form
(200) or does something harmless with the sample objects (302). Sample objects: case 1 with lab 1,
meeting 1 (in session) with attendee 1, agenda item 1 (case 1) and a signed decision 1 with
follow-up action 1.
"""

import pytest
from django.test import Client

from tests.conftest import signed_in
from tests.factories import CaseFactory, LabFactory, user_with_role
from tests.meetings.factories import sample_meeting
from tests.url_samples import app_url_names, sample_url

ROLES = {"viewer": "viewer", "member": "board member", "coordinator": "coordinator"}
READ = {"GET": (200, 200, 200), "POST": (405, 405, 405)}

# name: {method: (viewer, board member, coordinator)}
POLICY: dict[str, dict[str, tuple[int, int, int]]] = {
    # cases: everyone reads; members and coordinators edit; only coordinators create
    "cases:list": READ,
    "cases:rules": READ,
    "cases:detail": READ,
    "cases:panel": READ,
    "cases:timeline": READ,
    "cases:recommendation": READ,
    "cases:assessment_api": READ,
    "cases:create": {"GET": (403, 403, 200), "POST": (403, 403, 200)},
    "cases:create_preview": {"GET": (405, 405, 405), "POST": (403, 403, 200)},
    "cases:edit": {"GET": (403, 200, 200), "POST": (403, 200, 200)},
    "cases:preview": {"GET": (405, 405, 405), "POST": (403, 200, 200)},
    "cases:record_add": {"GET": (403, 200, 200), "POST": (403, 200, 200)},
    "cases:record_edit": {"GET": (403, 200, 200), "POST": (403, 200, 200)},
    "cases:record_delete": {"GET": (405, 405, 405), "POST": (403, 302, 302)},
    # meetings: everyone reads and watches the display; coordinators run meetings
    "meetings:list": READ,
    "meetings:detail": READ,
    "meetings:present": READ,
    "meetings:poll": READ,
    "meetings:minutes": READ,
    "meetings:minutes_pdf": READ,
    "meetings:followup": READ,
    "meetings:concordance": READ,
    "meetings:decision": READ,
    "meetings:decision_snapshot": READ,
    "meetings:create": {"GET": (403, 403, 200), "POST": (403, 403, 200)},
    # meeting 1 has a signed decision: its date (a POST without one moves it), attendance and agenda are frozen
    "meetings:edit": {"GET": (403, 403, 200), "POST": (403, 403, 409)},
    "meetings:add_case": {"GET": (403, 403, 200), "POST": (403, 403, 200)},
    "meetings:agenda_add": {"GET": (403, 403, 409), "POST": (403, 403, 409)},
    "meetings:attendee_add": {"GET": (405, 405, 405), "POST": (403, 403, 409)},
    "meetings:attendee_presence": {"GET": (405, 405, 405), "POST": (403, 403, 409)},
    "meetings:attendee_remove": {"GET": (405, 405, 405), "POST": (403, 403, 409)},
    "meetings:agenda_move": {"GET": (405, 405, 405), "POST": (403, 403, 409)},
    "meetings:agenda_question": {"GET": (405, 405, 405), "POST": (403, 403, 409)},
    "meetings:agenda_remove": {"GET": (405, 405, 405), "POST": (403, 403, 409)},
    # the lifecycle: meeting 1 is in session (opened already), so it can be closed; amendments follow closing
    "meetings:open": {"GET": (405, 405, 405), "POST": (403, 403, 409)},
    "meetings:close": {"GET": (405, 405, 405), "POST": (403, 403, 302)},
    "meetings:amendment_add": {"GET": (403, 403, 409), "POST": (403, 403, 409)},
    "meetings:go": {"GET": (405, 405, 405), "POST": (403, 403, 302)},
    # decisions: members and coordinators record them; item 1 is already decided (→ its decision)
    "meetings:decision_new": {"GET": (403, 302, 302), "POST": (403, 302, 302)},
    "meetings:decision_check": {"GET": (405, 405, 405), "POST": (403, 200, 200)},
    "meetings:decision_edit": {"GET": (403, 409, 409), "POST": (403, 409, 409)},
    "meetings:decision_sign": {"GET": (403, 409, 409), "POST": (403, 409, 409)},
    "meetings:decision_correct": {"GET": (405, 405, 405), "POST": (403, 302, 302)},
    "meetings:action_done": {"GET": (405, 405, 405), "POST": (403, 302, 302)},
    # interop: everyone reads the FHIR Bundle; coordinators create cases from one (no file: back to the form)
    "interop:fhir_export": READ,
    "interop:fhir_upload": {"GET": (405, 405, 405), "POST": (403, 403, 302)},
    # CDS Hooks: the EHR's JWT authenticates, not a session; off unless configured (404)
    "interop:cds_discovery": {"GET": (404, 404, 404), "POST": (405, 405, 405)},
    "interop:cds_service": {"GET": (405, 405, 405), "POST": (404, 404, 404)},
}
# Not behind the sign-in: what anonymous gets instead of the redirect to it.
PUBLIC = {
    name: {method: codes[0] for method, codes in POLICY[name].items()} for name in POLICY if "cds" in name
}


def test_the_table_covers_every_url() -> None:
    assert set(POLICY) == set(app_url_names())


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("role", ["anonymous", "no role", *ROLES])
@pytest.mark.parametrize("name", sorted(POLICY))
def test_access(name: str, role: str, method: str) -> None:
    case = CaseFactory(pk=1)
    LabFactory(case=case, pk=1)
    sample_meeting(case)
    client = Client() if role == "anonymous" else signed_in(user_with_role(f"user-{role}", ROLES.get(role)))
    response = client.get(sample_url(name)) if method == "GET" else client.post(sample_url(name))
    if role == "anonymous":
        expected = PUBLIC[name][method] if name in PUBLIC else 302
    elif role == "no role":  # the CDS Hooks endpoints answer to a JWT, not to the session
        expected = PUBLIC[name][method] if name in PUBLIC else 403
    else:
        expected = POLICY[name][method][list(ROLES).index(role)]
    assert response.status_code == expected, f"{method} {sample_url(name)} as {role}"
    if role == "anonymous" and name not in PUBLIC:
        assert response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_without_a_role_only_signing_in_and_out_remain() -> None:
    client = signed_in(user_with_role("no-role", None))
    assert client.get("/login/").status_code == 302  # already signed in: on to the case list…
    assert client.get("/cases/").status_code == 403  # …which is refused
    assert client.post("/logout/").status_code == 302
    assert client.get("/cases/").status_code == 302  # signed out: to the sign-in page


@pytest.mark.django_db
def test_removing_the_role_removes_access() -> None:
    user = user_with_role("was-viewer", "viewer")
    client = signed_in(user)
    assert client.get("/cases/").status_code == 200
    user.groups.clear()
    assert client.get("/cases/").status_code == 403
    assert client.get("/followup/").status_code == 403
