"""The phone and the decision form (issue 14): the edit page's one-line panel summary, the prompt
before leaving unsaved changes, and the decision form's assessment and added rows."""

from __future__ import annotations

from django.test import Client

from tests.meetings.factories import AgendaItemFactory
from tests.test_live_panel import preview, refractory_case


def test_edit_page_and_its_live_preview_carry_the_one_line_summary(member_client: Client) -> None:
    case = refractory_case()
    page = member_client.get(f"/cases/{case.pk}/edit/").content.decode()
    assert 'id="panel-compact"' in page and "Atezolizumab + bevacizumab (recommended)" in page
    assert "data-warn-unsaved" in page and "js/case-form.js" in page
    # Typing a stop-worthy value: the summary is swapped with the panel and counts the stop flags.
    changed = preview(member_client, case, portal_vein_invasion="vp4")
    assert 'id="panel-compact"' in changed
    # The case page's panel has no such line (it sits beside the timeline, not under a long form).
    assert 'id="panel-compact"' not in member_client.get(case.get_absolute_url()).content.decode()


def test_decision_form_shows_the_assessment_and_adds_rows_without_saving(member_client: Client) -> None:
    item = AgendaItemFactory(case=refractory_case())
    page = member_client.get(f"/meetings/{item.meeting_id}/agenda/{item.pk}/decision/").content.decode()
    assert f'hx-get="/cases/{item.case_id}/panel/"' in page  # the options beside the form
    assert 'id="action-row-template"' in page and "__prefix__" in page and "data-add-row" in page
    assert "Save the draft to get more empty rows" not in page
