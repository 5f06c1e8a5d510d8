from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from tumorboard.auth import AdminSignInForm, SignInForm
from tumorboard.health import healthz

admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="cases:list", permanent=False)),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=SignInForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("cases.urls")),  # /cases/… and /api/cases/…
    # /meetings/…, /followup/ and /reports/concordance/, in the "meetings" namespace.
    path("", include("meetings.urls")),
    # /api/cases/<id>/fhir, /cases/new/fhir/ and /cds-services, in the "interop" namespace.
    path("", include("interop.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
