import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from cases import models as m


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_covers_the_paths(settings) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    counts = {
        model: model.objects.count() for model in (m.Case, m.TaceSession, m.LabResult, m.SystemicTherapy)
    }
    call_command("seed_demo", stdout=io.StringIO())
    assert {model: model.objects.count() for model in counts} == counts
    assert counts[m.Case] >= 12
    outcomes = set(m.SystemicTherapy.objects.values_list("regimen", "outcome"))
    assert ("sorafenib", "ongoing") in outcomes
    assert ("atezolizumab_bevacizumab", "progression") in outcomes
    assert m.Case.objects.filter(endoscopies__isnull=True).exists()
    assert m.TaceSession.objects.filter(new_vascular_invasion=True).exists()
    assert m.TaceSession.objects.filter(new_extrahepatic_spread=True).exists()
    for username in ("demo-coordinator", "demo-member", "demo-viewer"):
        # django-axes needs the request that signs in (it throttles per username and address).
        assert authenticate(
            RequestFactory().post("/login/"), username=username, password=settings.DEMO_PASSWORD
        )


@pytest.mark.django_db
def test_migrations_create_roles_but_no_users() -> None:
    from django.contrib.auth.models import Group, User

    assert set(Group.objects.values_list("name", flat=True)) >= {"coordinator", "board member", "viewer"}
    assert not User.objects.exists()
