"""factory_boy factories: a realistic Child-Pugh A patient unless a test says otherwise."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from cases import models as m


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Case

    label = factory.Sequence(lambda n: f"T-{n:04d}")
    age = 64
    sex = "M"
    weight_kg = 72.0
    ecog = 0
    etiology = "hbv"
    baseline_tumor_count = 3
    contraindication_immunotherapy = False
    contraindication_bevacizumab = False


class LabFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.LabResult

    case = factory.SubFactory(CaseFactory)
    date = factory.Sequence(lambda n: days_ago(n + 1))
    bilirubin_mg_dl = 1.0
    albumin_g_dl = 3.9
    inr = 1.1
    ast_u_l = 40
    platelets_10e9_l = 140
    afp_ng_ml = 85
    pivka_mau_ml = 120


class ClinicalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ClinicalFinding

    case = factory.SubFactory(CaseFactory)
    date = factory.Sequence(lambda n: days_ago(n + 1))
    ascites = "none"
    encephalopathy = "none"


class ImagingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Imaging

    case = factory.SubFactory(CaseFactory)
    date = factory.Sequence(lambda n: days_ago(n + 1))
    nodule_count = 3
    largest_cm = 4.2
    liver_involvement_pct = 20
    portal_vein_invasion = "none"
    hepatic_vein_invasion = False
    bile_duct_invasion = False
    extrahepatic_spread = False


class EndoscopyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Endoscopy

    case = factory.SubFactory(CaseFactory)
    date = factory.Sequence(lambda n: days_ago(n + 1))
    varices = "small"
    varices_treated = True


class TaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.TaceSession

    case = factory.SubFactory(CaseFactory)
    date = factory.Sequence(lambda n: days_ago(30 * n + 60))
    technique = "ctace"
    response = "SD"
    response_date = factory.LazyAttribute(lambda o: o.date + datetime.timedelta(days=30))
    tumor_count_after = 3
    insufficient_lesion_response = False
    new_vascular_invasion = False
    new_extrahepatic_spread = False


class TherapyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.SystemicTherapy

    case = factory.SubFactory(CaseFactory)
    regimen = "sorafenib"
    start = factory.LazyFunction(lambda: days_ago(300))
    end = factory.LazyFunction(lambda: days_ago(30))
    outcome = "progression"
    tolerated = True


def user_with_role(username: str, role: str | None) -> User:
    user = User.objects.create_user(username=username, password="pw-for-tests-only")
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user
