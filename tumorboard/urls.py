from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from cases import urls_meetings
from tumorboard.health import healthz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="cases:list", permanent=False)),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("cases.urls")),  # /cases/… and /api/cases/…
    path("meetings/", include("cases.urls_meetings")),
    path("followup/", include(urls_meetings.followup_urls)),
    path("reports/concordance/", include(urls_meetings.report_urls)),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
