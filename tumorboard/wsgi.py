"""WSGI entry point for gunicorn: `gunicorn tumorboard.wsgi` (runserver loads it too)."""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tumorboard.settings")
application = get_wsgi_application()
# Serving signs sessions and CSRF tokens: a throwaway key would sign everyone out at each restart
# and differ between workers. The command line needs none (tumorboard/settings.py).
if settings.SECRET_KEY_REQUIRED_TO_SERVE:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off")
