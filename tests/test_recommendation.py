"""The recommendation view: algorithm position, ranked options, flags with source and values."""

from django.test import Client

from tests.test_live_panel import refractory_case


def test_recommendation_shows_options_ranked_with_doses_and_sources(viewer_client: Client) -> None:
    case = refractory_case()
    html = viewer_client.get(f"/cases/{case.pk}/recommendation/").content.decode()
    order = [
        html.index(f'data-regimen="{r}"') for r in ("atezolizumab_bevacizumab", "lenvatinib", "regorafenib")
    ]
    assert order == sorted(order)  # recommended, then eligible, then not indicated
    # The per-kg dose with the amount for the recorded weight (72 kg).
    assert "atezolizumab 1200 mg + bevacizumab 15 mg/kg (1,080 mg for 72 kg) IV every 3 weeks" in html
    assert 'aria-current="step"' in html and "ALG-2" in html
    assert "kr-2022.2" in html and "The board decides" in html
    assert "TACE timeline" in html


def test_proposal_check_shows_the_stop_flag_with_its_source(viewer_client: Client) -> None:
    case = refractory_case()
    html = viewer_client.get(f"/cases/{case.pk}/recommendation/?proposal=tace_sorafenib").content.decode()
    assert 'data-flag="PIT-TACE-SORA" data-severity="stop"' in html
    assert "SPACE" in html  # the trial behind the stop, in the long source
    partial = viewer_client.get(
        f"/cases/{case.pk}/recommendation/?proposal=tace_sorafenib", headers={"HX-Request": "true"}
    ).content.decode()
    assert partial.lstrip().startswith('<section id="plan-check"') and "<nav" not in partial


def test_missing_data_is_listed(viewer_client: Client) -> None:
    case = refractory_case()
    case.endoscopies.all().delete()
    html = viewer_client.get(f"/cases/{case.pk}/recommendation/").content.decode()
    assert "Missing data that could change the result" in html
    assert "Upper GI endoscopy within the last 183 days: none on record" in html


def test_unknown_proposal_is_ignored(viewer_client: Client) -> None:
    case = refractory_case()
    html = viewer_client.get(f"/cases/{case.pk}/recommendation/?proposal=aspirin").content.decode()
    assert 'data-severity="stop"' not in html
