"""The Django project: the programme data model, the web app and the JSON API."""
