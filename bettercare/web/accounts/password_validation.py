"""A password check of our own: not a place name with a few digits or symbols added.

Django's validators refuse short, common and user-like passwords, but an area's own name with
a digit (``Leicestershire1``) passes them all, and it is the first thing someone guessing at a
programme's accounts would try. This refuses a password whose letters are an area's name (or
``bettercare``), whatever digits and symbols surround them.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError

#: Words as obvious as a place name on this site.
SITE_WORDS = frozenset({"bettercare", "bettercarefund", "nhs"})


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


class PlaceNamePasswordValidator:
    """Refuse a password that is an area's name (or the site's) plus digits and symbols."""

    def validate(self, password: str, user: Any = None) -> None:
        from bettercare.web.programmes.models import Area

        letters = _letters(password)
        if not letters:
            return
        names = SITE_WORDS | {
            _letters(name) for name in Area.objects.values_list("name", flat=True)
        }
        if letters in names:
            raise ValidationError(
                "This password is a place or site name with digits or symbols added; choose "
                "words that are not the name of an area.",
                code="password_place_name",
            )

    def get_help_text(self) -> str:
        return "Your password can't be an area's name with a few digits or symbols added."
