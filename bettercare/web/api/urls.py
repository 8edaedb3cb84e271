"""The API's URLs, included by the site at ``api/``: ``include("bettercare.web.api.urls")``."""

from bettercare.web.api.endpoints import api

# Django names the URLs' namespace after ``app_name``; django-ninja reverses its own
# URLs (the OpenAPI document, the docs) in ``api.urls_namespace``, so the two must match.
urlpatterns, _, app_name = api.urls
