"""NHS.UK's form macros written once per process for each set of parameters (ADR 0130).

A form page calls NHS.UK's radios, textarea, input, error summary… macros for every field on
every request, and the macros (a label, a heading, a fieldset and the attributes macro inside
each radio) were most of the form pages' time. Their output depends on their parameters only,
and on a form page almost all of them are the same from one request to the next: a radios
group's choices are fixed, only the checked one, the disabled flag and the error vary. So
``component("radios", params)`` is the macro's own output, remembered under the parameters.

A text field's typed value (a textarea's or an input's ``value``) differs from scheme to
scheme: the macro is written once with :data:`VALUE_MARK` in its place and the value,
escaped as the macro escapes it, is put where the mark stands.

Parameters other than plain data (None, booleans, numbers, strings, markup, lists, tuples
and dicts of them) are not remembered: the macro is called as it is.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from jinja2 import Environment, pass_environment
from markupsafe import Markup, escape

#: Stands for a text field's value in its remembered markup: letters only, which escaping
#: leaves as they are, and no word a page would show.
VALUE_MARK = "bettercareFieldValueMark"
#: Components whose top-level ``value`` is a typed text, written where the mark stands.
VALUE_COMPONENTS = frozenset({"textarea", "input"})
#: Scalars a key may hold, kept with their type (True is not 1, Markup is not str).
SCALARS = (str, bool, int, float, Decimal, type(None))


class _UnkeyableError(Exception):
    """A parameter the cache cannot key on (an object, an undefined value…)."""


def _frozen(value: Any) -> Any:
    """A hashable key for ``value`` that :func:`_thawed` turns back into it."""
    kind = type(value)
    if kind is dict:
        return (dict, tuple((key, _frozen(item)) for key, item in value.items()))
    if kind is list or kind is tuple:
        return (kind, tuple(_frozen(item) for item in value))
    if kind is Markup or kind in SCALARS:
        # str(): Decimal("1.0") and Decimal("1.00") are equal but are written differently.
        return (kind, str(value), value)
    raise _UnkeyableError(kind.__name__)


def _thawed(key: Any) -> Any:
    kind, *rest = key
    if kind is dict:
        return {name: _thawed(item) for name, item in rest[0]}
    if kind is list:
        return [_thawed(item) for item in rest[0]]
    if kind is tuple:
        return tuple(_thawed(item) for item in rest[0])
    return rest[1]


def macro_name(component: str) -> str:
    """NHS.UK's macro for a component's folder: "error-summary" → "errorSummary"."""
    head, *tail = component.split("-")
    return head + "".join(word.capitalize() for word in tail)


def _macro(env: Environment, component: str) -> Any:
    template = env.get_template(f"nhsuk/components/{component}/macro.jinja")
    return getattr(template.module, macro_name(component))


def _called(env: Environment, component: str, params: Any) -> Markup:
    """The macro called as a template calls it (with autoescape on, it answers markup)."""
    written: Markup = _macro(env, component)(params)
    return written


@lru_cache(maxsize=4096)
def _written(env: Environment, component: str, key: Any) -> str:
    return str(_called(env, component, _thawed(key)))


def _typed(value: Any) -> bool:
    """A value written in place of the mark: text or a number, not markup, never a flag."""
    return type(value) in (str, int, float, Decimal) and value != ""


@pass_environment
def component(env: Environment, name: str, params: dict[str, Any]) -> Markup:
    """What NHS.UK's macro for component ``name`` ("radios", "textarea", "error-summary"…)
    writes for ``params``, written once per process for each distinct set of parameters."""
    value = params.get("value") if name in VALUE_COMPONENTS else None
    typed = _typed(value)
    try:
        key = _frozen({**params, "value": VALUE_MARK} if typed else params)
    except _UnkeyableError:
        return _called(env, name, params)
    html = _written(env, name, key)
    if typed:
        if html.count(VALUE_MARK) != 1:  # the mark is in another parameter too
            return _called(env, name, params)
        html = html.replace(VALUE_MARK, str(escape(value)))
    return Markup(html)  # noqa: S704 - NHS.UK's macro wrote it, the value escaped as it escapes
