"""Form helpers shared by every app's pages."""

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError


def add_service_error(
    form: forms.Form, exc: ValidationError, fields_by_code: Mapping[str, str] | None = None
) -> None:
    """Show a service's ValidationError on ``form``: keyed errors next to their field, others
    next to the field their code points at (``fields_by_code``; a code ending in ``*`` is a
    prefix), the rest above the form."""
    fields_by_code = fields_by_code or {}

    def target(name: str | None, code: str | None) -> str | None:
        if name and name in form.fields:
            return name
        code = code or ""
        field = fields_by_code.get(code)
        if field is None:
            field = next(
                (f for c, f in fields_by_code.items() if c.endswith("*") and code.startswith(c[:-1])), None
            )
        return field if field in form.fields else None

    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(target(name, error.code), error)
    else:
        for error in exc.error_list:
            form.add_error(target(None, error.code), error)
