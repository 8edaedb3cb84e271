"""The Jinja2 environment: our templates first, then the NHS.UK frontend macros."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader

from bettercare import formatting
from bettercare.core.rag import STATUS_LABELS, guideline_rows
from bettercare.web.presenters import FILTERS, GLOBALS


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options: Any) -> Environment:
    options["loader"] = ChoiceLoader([options["loader"], PackageLoader("nhsuk_frontend_jinja")])
    options["undefined"] = ChainableUndefined
    options.setdefault("autoescape", True)
    env = Environment(**options)  # noqa: S701 - autoescape is on (set just above)
    env.globals.update(
        static=static,
        STATIC_URL=settings.STATIC_URL.rstrip("/") + "/",
        get_messages=get_messages,
        url=url,
        STATUS_NAMES=formatting.STATUS_NAMES,
        STATUS_LABELS=STATUS_LABELS,
        # The printed RAG guidelines, generated from the policy the ratings use.
        RAG_GUIDELINES=guideline_rows(),
        VARIATION_WORDS=formatting.VARIATION_WORDS,
        ASSURANCE_WORDS=formatting.ASSURANCE_WORDS,
        COMPARISON_WORDS=formatting.COMPARISON_WORDS,
    )
    env.globals.update(GLOBALS)
    env.filters.update(FILTERS)
    return env
