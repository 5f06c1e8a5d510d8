"""Decisions: concordance computed from the engine, signing with its frozen snapshot, no edits after
signing, corrections as new linked decisions, and the case page's list of decisions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases import models as m
from cases.adapters import case_to_facts, with_records
from cases.clinical import assess, case_to_document
from meetings import services
from meetings.concordance import judge_plan
from meetings.models import AgendaItem, Decision, DecisionLocked, FollowUpAction
from tests.factories import LabFactory, days_ago
from tests.meetings.factories import (
    NO_QUORUM_REASON,
    AgendaItemFactory,
    on_therapy_case,
    refractory_case,
    responding_case,
    signed_decision,
    today,
)

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def draft(item: AgendaItem, user, plan: str, **fields) -> Decision:  # type: ignore[no-untyped-def]
    return services.save_draft(Decision(agenda_item=item, plan=plan, recorded_by=user, **fields))


# --- concordance ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case_builder", "plan", "expected"),
    [
        (refractory_case, "atezolizumab_bevacizumab", "concordant"),  # recommended
        (refractory_case, "lenvatinib", "concordant"),  # eligible
        (refractory_case, "regorafenib", "deviating"),  # not indicated in first line
        (refractory_case, "continue_tace", "deviating"),  # refractory: TACE is no longer the answer
        (refractory_case, "tace_sorafenib", "deviating"),  # PIT-TACE-SORA stop
        (refractory_case, "clinical_trial", "deviating"),  # trial enrolment is a deviation reason
        (responding_case, "continue_tace", "concordant"),  # ALG-1, ALG-CONTINUE-TACE
        (responding_case, "sorafenib", "deviating"),
        (
            lambda: refractory_case(endoscopy=False),
            "atezolizumab_bevacizumab",
            "deviating",
        ),  # PIT-AB-EGD stop
        (lambda: on_therapy_case(20), "sorafenib", "concordant"),  # ALG-5: continue the ongoing regimen
        (lambda: on_therapy_case(20), "resection", "concordant"),  # ALG-5 reassesses for resection
        (lambda: on_therapy_case(20), "lenvatinib", "deviating"),
    ],
)
def test_concordance_is_computed_from_the_engine(member, case_builder, plan, expected) -> None:  # type: ignore[no-untyped-def]
    decision = draft(AgendaItemFactory(case=case_builder()), member, plan)
    assert decision.concordance == expected, decision.concordance_why


def test_best_supportive_care_is_concordant_only_for_child_pugh_c(member) -> None:  # type: ignore[no-untyped-def]
    case = refractory_case()
    m.LabResult.objects.filter(case=case).update(bilirubin_mg_dl=3.8, albumin_g_dl=2.4, inr=2.0)
    m.ClinicalFinding.objects.filter(case=case).update(ascites="moderate_severe", encephalopathy="grade_1_2")
    item = AgendaItemFactory(case=case)
    assert draft(item, member, "best_supportive_care").concordance == "concordant"
    Decision.objects.all().delete()
    assert draft(item, member, "transplant_referral").concordance == "concordant"
    other = AgendaItemFactory(case=refractory_case())
    assert draft(other, member, "best_supportive_care").concordance == "deviating"


def test_a_plan_in_free_text_deviates(member) -> None:  # type: ignore[no-untyped-def]
    decision = draft(
        AgendaItemFactory(case=refractory_case()), member, "other", plan_other="Radioembolisation"
    )
    assert decision.concordance == "deviating" and decision.plan_label == "Radioembolisation"
    with pytest.raises(ValidationError):
        draft(AgendaItemFactory(case=refractory_case()), member, "other")  # "other" needs words


def test_judge_plan_names_the_stop_flags() -> None:
    facts = case_to_facts(with_records().get(pk=refractory_case(endoscopy=False).pk))
    verdict = judge_plan("atezolizumab_bevacizumab", assess(facts, today(), "atezolizumab_bevacizumab"))
    assert verdict.status == "deviating" and verdict.stop_flags == ("PIT-AB-EGD",)
    assert "needs work-up" in verdict.why and "PIT-AB-EGD" in verdict.why


def test_a_posted_concordance_is_ignored(member_client: Client) -> None:
    item = AgendaItemFactory(case=responding_case())
    url = f"/meetings/{item.meeting_id}/agenda/{item.pk}/decision/"
    member_client.post(
        url,
        {
            "plan": "sorafenib",
            "concordance": "concordant",
            "concordant": "true",
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
            "action": "save",
        },
    )
    decision = Decision.objects.get()
    assert decision.concordance == "deviating"


# --- signing ----------------------------------------------------------------------------------


def form_data(plan: str, action: str = "sign", **fields: object) -> dict[str, object]:
    return {
        "plan": plan,
        "rationale": "",
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
        "action": action,
        **fields,
    }


def sign_url(decision: Decision) -> str:
    return f"/meetings/{decision.agenda_item.meeting_id}/decisions/{decision.pk}/sign/"


def confirm_sign(client: Client, decision: Decision, reason: str = NO_QUORUM_REASON) -> Any:
    """The confirmation step: sign the version shown, with the reason for signing without quorum."""
    return client.post(sign_url(decision), {"version": decision.version, "quorum_reason": reason})


def test_signing_a_deviation_needs_a_reason_and_each_stop_flag_acknowledged(member_client: Client) -> None:
    item = AgendaItemFactory(case=refractory_case(endoscopy=False))
    url = f"/meetings/{item.meeting_id}/agenda/{item.pk}/decision/"
    response = member_client.post(
        url, form_data("atezolizumab_bevacizumab", rationale="Patient wishes to start now.")
    )
    html = response.content.decode()
    assert response.status_code == 200
    decision = Decision.objects.get()
    assert not decision.is_signed  # kept as a draft
    assert "give the reason before signing" in html
    assert "Acknowledge each stop flag" in html and 'value="PIT-AB-EGD"' in html
    edit = f"/meetings/{item.meeting_id}/decisions/{decision.pk}/edit/"
    assert f'action="{edit}"' in html  # the next try posts to the saved draft
    assert f'name="version" value="{decision.version}"' in html  # ... at its saved version
    response = member_client.post(
        edit,
        form_data(
            "atezolizumab_bevacizumab",
            rationale="Patient wishes to start now.",
            deviation_reason="patient_preference",
            version=decision.version,
        ),
    )
    decision.refresh_from_db()
    assert not decision.is_signed and "Acknowledge each stop flag" in response.content.decode()
    response = member_client.post(
        edit,
        form_data(
            "atezolizumab_bevacizumab",
            rationale="Patient wishes to start now.",
            deviation_reason="patient_preference",
            acknowledged_flags=["PIT-AB-EGD"],
            version=decision.version,
        ),
    )
    decision.refresh_from_db()
    # Nothing stops it any more: on to the confirmation step, which shows the quorum.
    assert response.status_code == 302 and response["Location"] == sign_url(decision)
    assert not decision.is_signed
    response = confirm_sign(member_client, decision)
    decision.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == decision.get_absolute_url()
    assert decision.is_signed and decision.deviates and decision.acknowledged_flags == ["PIT-AB-EGD"]
    assert decision.stop_flags == ["PIT-AB-EGD"]


def test_signing_needs_a_rationale(member) -> None:  # type: ignore[no-untyped-def]
    decision = draft(AgendaItemFactory(case=refractory_case()), member, "atezolizumab_bevacizumab")
    with pytest.raises(ValidationError) as refused:
        services.sign(decision, member, quorum_reason=NO_QUORUM_REASON)
    assert "rationale" in refused.value.message_dict


def test_snapshot_equals_the_engines_assessment_at_signing(member) -> None:  # type: ignore[no-untyped-def]
    case = refractory_case()
    decision = signed_decision(AgendaItemFactory(case=case), member, "atezolizumab_bevacizumab")
    facts = case_to_facts(with_records().get(pk=case.pk))
    expected = assess(facts, today(), "atezolizumab_bevacizumab")
    decision.refresh_from_db()
    assert decision.assessment_snapshot == json.loads(expected.to_json())
    assert decision.case_snapshot == json.loads(
        json.dumps(case_to_document(facts, today(), "atezolizumab_bevacizumab"))
    )
    assert decision.rule_set == expected.rule_set == "kr-2022.2"
    assert decision.signed_by == member and decision.signed_at is not None
    assert decision.concordance == "concordant"


def test_editing_the_case_afterwards_does_not_change_the_snapshot(member) -> None:  # type: ignore[no-untyped-def]
    case = refractory_case()
    decision = signed_decision(AgendaItemFactory(case=case), member, "atezolizumab_bevacizumab")
    before = (decision.case_snapshot, decision.assessment_snapshot, decision.concordance)
    # Decompensation recorded after the meeting: today's assessment changes, the signed one does not.
    LabFactory(case=case, date=days_ago(0), bilirubin_mg_dl=4.0, albumin_g_dl=2.2, inr=2.1)
    case.ecog = 3
    case.save()
    now = assess(case_to_facts(with_records().get(pk=case.pk)), today(), "atezolizumab_bevacizumab").to_dict()
    decision.refresh_from_db()
    assert now != before[1]
    assert (decision.case_snapshot, decision.assessment_snapshot, decision.concordance) == before


def test_a_signed_decision_refuses_edits(member, member_client: Client) -> None:  # type: ignore[no-untyped-def]
    decision = signed_decision(AgendaItemFactory(case=refractory_case()), member)
    edit = f"/meetings/{decision.agenda_item.meeting_id}/decisions/{decision.pk}/edit/"
    page = member_client.get(decision.get_absolute_url()).content.decode()
    assert 'id="decision-form"' not in page and edit not in page
    response = member_client.get(edit)
    assert response.status_code == 409 and 'id="decision-form"' not in response.content.decode()
    assert member_client.post(edit, form_data("sorafenib", rationale="changed")).status_code == 409
    decision.refresh_from_db()
    assert decision.plan == "atezolizumab_bevacizumab"
    # The model refuses too, whatever the caller.
    decision.rationale = "changed behind the form's back"
    with pytest.raises(DecisionLocked):
        decision.save()
    with pytest.raises(DecisionLocked):
        decision.delete()
    with pytest.raises(DecisionLocked):
        services.sign(decision, member, quorum_reason=NO_QUORUM_REASON)


def test_actions_of_a_signed_decision_are_frozen_but_can_be_marked_done(member) -> None:  # type: ignore[no-untyped-def]
    item = AgendaItemFactory(case=refractory_case())
    decision = draft(item, member, "atezolizumab_bevacizumab", rationale="r")
    action = FollowUpAction.objects.create(
        decision=decision, description="Book cycle 1", owner=member, due=today()
    )
    services.sign(decision, member, quorum_reason=NO_QUORUM_REASON)
    action.due = days_ago(-30)
    with pytest.raises(DecisionLocked):
        action.save()
    with pytest.raises(DecisionLocked):
        FollowUpAction.objects.create(decision=decision, description="Extra", owner=member, due=today())
    action.refresh_from_db()
    action.mark_done(member)
    assert FollowUpAction.objects.get(pk=action.pk).done_at is not None


def test_a_correction_is_a_new_decision_linked_to_the_original(member, member_client: Client) -> None:  # type: ignore[no-untyped-def]
    original = signed_decision(AgendaItemFactory(case=refractory_case()), member)
    FollowUpAction.objects.filter(decision=original).delete()
    meeting_pk = original.agenda_item.meeting_id
    response = member_client.post(f"/meetings/{meeting_pk}/decisions/{original.pk}/correct/")
    correction = Decision.objects.get(corrects=original)
    assert response["Location"] == f"/meetings/{meeting_pk}/decisions/{correction.pk}/edit/"
    assert correction.plan == original.plan and not correction.is_signed
    member_client.post(
        f"/meetings/{meeting_pk}/decisions/{correction.pk}/edit/",
        form_data(
            "lenvatinib", rationale="Bevacizumab refused after the meeting.", version=correction.version
        ),
    )
    correction.refresh_from_db()
    confirm_sign(member_client, correction)
    correction.refresh_from_db()
    original.refresh_from_db()
    assert correction.is_signed and correction.plan == "lenvatinib" and correction.corrects == original
    assert original.plan == "atezolizumab_bevacizumab" and original.is_signed  # untouched
    assert original.agenda_item.signed_decision == correction  # the one in force
    assert "corrected by" in member_client.get(original.get_absolute_url()).content.decode()
    # A decision is corrected once; the next correction corrects the correction.
    assert member_client.post(f"/meetings/{meeting_pk}/decisions/{original.pk}/correct/").status_code == 302
    assert Decision.objects.filter(corrects=original).count() == 1


def test_live_check_lists_the_stop_flags_of_the_chosen_plan(member_client: Client) -> None:
    item = AgendaItemFactory(case=refractory_case(endoscopy=False))
    url = f"/meetings/{item.meeting_id}/agenda/{item.pk}/decision/check/"
    html = member_client.post(url, {"plan": "atezolizumab_bevacizumab"}, headers=HTMX).content.decode()
    assert html.lstrip().startswith('<section id="decision-check"')
    assert 'data-concordance="deviating"' in html and 'name="acknowledged_flags" value="PIT-AB-EGD"' in html
    html = member_client.post(url, {"plan": "lenvatinib"}, headers=HTMX).content.decode()
    assert 'data-concordance="concordant"' in html and "PIT-AB-EGD" not in html
    assert not Decision.objects.exists()  # nothing saved


def test_snapshot_json(member, viewer_client: Client) -> None:  # type: ignore[no-untyped-def]
    decision = signed_decision(AgendaItemFactory(case=refractory_case()), member)
    body = viewer_client.get(
        f"/meetings/{decision.agenda_item.meeting_id}/decisions/{decision.pk}/snapshot.json"
    ).json()
    assert body["assessment"] == decision.assessment_snapshot and body["rule_set"] == "kr-2022.2"
    assert body["case_document"]["format"] == "hcc-case/1"


def test_follow_up_actions_are_recorded_with_the_decision(member, member_client: Client) -> None:  # type: ignore[no-untyped-def]
    item = AgendaItemFactory(case=refractory_case())
    url = f"/meetings/{item.meeting_id}/agenda/{item.pk}/decision/"
    member_client.post(
        url,
        form_data(
            "atezolizumab_bevacizumab",
            action="save",
            rationale="ok",
            dissent="Surgeon: resect first",
            next_review=days_ago(-60).isoformat(),
            **{
                "actions-TOTAL_FORMS": "1",
                "actions-0-description": "Book cycle 1",
                "actions-0-owner": str(member.pk),
                "actions-0-due": days_ago(-7).isoformat(),
            },
        ),
    )
    decision = Decision.objects.get()
    assert [a.description for a in decision.actions.all()] == ["Book cycle 1"]
    assert decision.dissent == "Surgeon: resect first" and decision.next_review == days_ago(-60)


# --- the case page ----------------------------------------------------------------------------


def test_case_page_lists_its_decisions_with_snapshot_links(member, viewer_client: Client) -> None:  # type: ignore[no-untyped-def]
    case = refractory_case()
    decision = signed_decision(AgendaItemFactory(case=case), member)
    page = viewer_client.get(case.get_absolute_url()).content.decode()
    assert 'id="decisions"' in page and f'data-decision="{decision.pk}"' in page
    assert f"/decisions/{decision.pk}/snapshot.json" in page
    assert "Add to agenda" not in page  # viewers do not build agendas


def test_case_page_decisions_run_constant_queries(member, viewer_client: Client) -> None:  # type: ignore[no-untyped-def]
    def count(n: int) -> int:
        case = refractory_case()
        for _ in range(n):
            signed_decision(AgendaItemFactory(case=case), member)
        viewer_client.get(case.get_absolute_url())
        cache.clear()  # measure a real render, not the page cache (cases/caching.py)
        with CaptureQueriesContext(connection) as queries:
            response = viewer_client.get(case.get_absolute_url())
        assert response.status_code == 200, response
        return len(queries)

    assert count(1) == count(4)


def test_one_decision_in_force_per_agenda_item(member, member_client: Client) -> None:  # type: ignore[no-untyped-def]
    decision = signed_decision(AgendaItemFactory(case=refractory_case()), member)
    item = decision.agenda_item
    response = member_client.get(f"/meetings/{item.meeting_id}/agenda/{item.pk}/decision/")
    assert response.status_code == 302 and response["Location"] == decision.get_absolute_url()
    with pytest.raises(ValidationError):
        draft(item, member, "sorafenib")  # a change is a correction, linked to the signed decision
    assert "Record decision" not in member_client.get(item.meeting.get_absolute_url()).content.decode()
