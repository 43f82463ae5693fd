"""Collecting Django ValidationErrors per field, whatever shape they come in.

A ValidationError is either keyed (``error_dict``: field → errors) or plain (``error_list``):
``core.text.clean`` refuses control characters with a plain one, so a parser that calls it can
raise either. Code that gathers every field's error before raising one ValidationError goes
through :func:`merge_errors`, never ``exc.error_dict`` directly (a plain error has none: that
was an anonymous 500 on ``/stations/nearest?lat=%01``).
"""

from django.core.exceptions import ValidationError


def _error_list(value) -> list[ValidationError]:
    """Every single error in ``value`` (a ValidationError of either shape, or a list)."""
    exc = value if isinstance(value, ValidationError) else ValidationError(value)
    if hasattr(exc, "error_dict"):
        return [error for errors in exc.error_dict.values() for error in errors]
    return list(exc.error_list)


def field_errors(exc: ValidationError, field: str) -> dict[str, list[ValidationError]]:
    """``exc`` as field → errors: a keyed error keeps its own fields, a plain one is filed
    under ``field`` (the input that was being read when it was raised)."""
    if hasattr(exc, "error_dict"):
        return {name: list(errors) for name, errors in exc.error_dict.items()}
    return {field: list(exc.error_list)}


def merge_errors(errors: dict, exc: ValidationError, *, field: str) -> dict:
    """Add ``exc`` to ``errors`` (field → ValidationError or list of them, ready for
    ``ValidationError(errors)``), keeping what a field already had. A plain error goes under
    ``field``. Returns ``errors``."""
    for name, new in field_errors(exc, field).items():
        errors[name] = [*_error_list(errors[name]), *new] if name in errors else new
    return errors


def keyed(exc: ValidationError, field: str) -> ValidationError:
    """``exc`` as a ValidationError naming its field(s): unchanged when keyed, else under
    ``field``. For parsers whose contract is to name the field they read."""
    return exc if hasattr(exc, "error_dict") else ValidationError({field: exc.error_list})


class FieldErrors:
    """Every field's error of one input, gathered before one ValidationError is raised, so a
    form or an API caller learns all of them at once::

        errors = FieldErrors()
        kind = errors.read(inputs.choice, kind, "kind", HonourKind)
        year = errors.read(inputs.integer, year, "year", minimum=1950)
        if member is None:
            errors.add(inputs.field_error("member", message, InputCode.REQUIRED))
        errors.raise_any()
    """

    def __init__(self) -> None:
        self.errors: dict = {}

    def read(self, parse, value, field: str, *args, **kwargs):
        """``parse(value, field, *args, **kwargs)`` (a ``core.inputs`` reader, or any parser
        with that shape); on a ValidationError, None, the error kept under its field(s)."""
        try:
            return parse(value, field, *args, **kwargs)
        except ValidationError as exc:
            merge_errors(self.errors, exc, field=field)
            return None

    def add(self, exc: ValidationError, *, field: str = "") -> None:
        """Keep ``exc`` (a keyed one under its fields, a plain one under ``field``)."""
        merge_errors(self.errors, exc, field=field)

    def __contains__(self, field: str) -> bool:
        return field in self.errors

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_any(self) -> None:
        """Raise what was gathered, if anything."""
        if self.errors:
            raise ValidationError(self.errors)
