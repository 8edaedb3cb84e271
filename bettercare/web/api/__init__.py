"""The read-only JSON API (django-ninja) at ``/api/``, documented at ``/api/docs``.

- ``endpoints``: the operations, their errors and the OpenAPI document;
- ``auth``: personal tokens (``Authorization: Bearer <key>``) or the session;
- ``queries``: the answers, from the functions the pages and the command line use;
- ``schemas``: their shapes.
"""
