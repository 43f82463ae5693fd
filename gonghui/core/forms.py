"""Form helpers shared by every app's pages: natural Chinese messages instead of Django's
stock ones, and service errors put back next to their fields."""

from collections.abc import Mapping

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Django's stock messages ("确保该变量包含不超过 50 字符 (目前字符数 51)。", "这个字段是必填项。")
# read like a machine; these say what to do, in full-width punctuation. The label is named
# where the message could be read away from its field.
_REQUIRED_TYPE = _("Please fill in: %(label)s.")
_REQUIRED_CHOOSE = _("Please choose: %(label)s.")
_REQUIRED_TICK = _("Please tick: %(label)s.")
_REQUIRED_FILE = _("Please choose a file: %(label)s.")
_MESSAGES = {
    "invalid_choice": _("Choose one of the listed options."),
    "invalid_list": _("Choose one of the listed options."),
}
# The first class a field is an instance of wins: DecimalField and FloatField are IntegerFields.
_INVALID = {
    forms.DateField: _("Enter a date such as 2024-03-05."),
    forms.DateTimeField: _("Enter a date and time such as 2024-03-05 14:30."),
    forms.TimeField: _("Enter a time such as 14:30."),
    forms.DecimalField: _("Enter a number."),
    forms.FloatField: _("Enter a number."),
    forms.IntegerField: _("Enter a whole number."),
    forms.EmailField: _("Enter an email address such as name@example.com."),
    forms.URLField: _("Enter a web address such as https://example.com."),
    forms.UUIDField: _("This identifier is not valid."),
}
_MAX_LENGTH = _("At most %(limit_value)d characters (now %(show_value)d).")
_MIN_LENGTH = _("At least %(limit_value)d characters (now %(show_value)d).")
_MAX_VALUE = _("At most %(limit_value)s.")
_MIN_VALUE = _("At least %(limit_value)s.")
_NULL_CHARACTERS = _("The text contains invalid control characters.")
# FileField words these like a developer's note ("请检查表单的编码类型") or with half-width brackets.
_FILE_MESSAGES = {
    "invalid": _("No file was received; please choose the file again."),
    "missing": _("No file was received; please choose the file again."),
    "empty": _("The chosen file is empty; please choose another."),
    "max_length": _(
        "The file name has at most %(max)d characters (now %(length)d); shorten it and choose again."
    ),
}


class _DecimalValidator(validators.DecimalValidator):
    """Django's digit checks ("确认小数不超过 3 位.") in plain words."""

    messages = {
        "invalid": _("Enter a number."),
        "max_digits": _("At most %(max)s digits."),
        "max_decimal_places": _("At most %(max)s digits after the decimal point."),
        "max_whole_digits": _("At most %(max)s digits before the decimal point."),
    }


def _stock_messages(field: forms.Field) -> dict:
    """The messages Django gives this field class, collected as ``Field.__init__`` does."""
    stock: dict = {}
    for cls in reversed(type(field).__mro__):
        stock.update(getattr(cls, "default_error_messages", {}))
    return stock


def _natural_validator(validator):
    kinds = (
        (validators.MaxLengthValidator, _MAX_LENGTH),
        (validators.MinLengthValidator, _MIN_LENGTH),
        (validators.MaxValueValidator, _MAX_VALUE),
        (validators.MinValueValidator, _MIN_VALUE),
    )
    for kind, message in kinds:
        if type(validator) is kind and validator.message is kind.message:
            return kind(validator.limit_value, message=message)
    if type(validator) is validators.DecimalValidator:
        return _DecimalValidator(validator.max_digits, validator.decimal_places)
    if type(validator) is validators.ProhibitNullCharactersValidator:
        return validators.ProhibitNullCharactersValidator(message=_NULL_CHARACTERS)
    return validator


def natural_messages(form: forms.BaseForm) -> None:
    """Replace Django's stock error messages on every field of ``form`` by ours — "请填写姓名。"
    for an empty field, "最多 50 个字（现在 51 个字）。" for a long one — keeping any message
    the form sets itself. :class:`Form` calls it (again before validating, so fields added in a
    subclass's ``__init__`` are covered); a form with another base calls it at the end of its
    ``__init__``. Calling it twice changes nothing."""
    for name, field in form.fields.items():
        stock = _stock_messages(field)
        label = field.label or name
        mine = field.error_messages

        def replace(key, message, mine=mine, stock=stock):
            if key in mine and mine[key] is stock.get(key):
                mine[key] = message

        if isinstance(field, forms.BooleanField):
            required = _REQUIRED_TICK
        elif isinstance(field, forms.FileField):
            required = _REQUIRED_FILE
        elif isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)):
            required = _REQUIRED_CHOOSE
        else:
            required = _REQUIRED_TYPE
        replace("required", _with_label(required, label))
        for key, message in _MESSAGES.items():
            replace(key, message)
        for cls, message in _INVALID.items():
            if isinstance(field, cls):
                replace("invalid", message)
                break
        if isinstance(field, forms.FileField):
            for key, message in _FILE_MESSAGES.items():
                replace(key, message)
        field.validators = [_natural_validator(v) for v in field.validators]


def _with_label(message, label):
    """``message % {"label": label}``, translated when it is shown, not when the form is made.
    A label asking a question ("遇到了什么问题？") loses its mark: 请选择遇到了什么问题。"""
    return lazy(lambda: str(message) % {"label": str(label).rstrip("?？:：")}, str)()


# Django's Chinese catalogue ends labels with a half-width ":"; ours gives the full-width "：".
_LABEL_SUFFIX = pgettext_lazy("form label suffix", ":")


class Form(forms.Form):
    """``forms.Form`` with natural messages (:func:`natural_messages`) and the label suffix
    in the reader's punctuation."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", _LABEL_SUFFIX)
        super().__init__(*args, **kwargs)
        natural_messages(self)

    def full_clean(self):
        # A subclass may add or replace fields after this __init__ (weekday rows, a scoped
        # union-code field): they get the natural messages too before any error is made.
        natural_messages(self)
        super().full_clean()


def add_service_error(
    form: forms.Form, exc: ValidationError, fields_by_code: Mapping[str, str] | None = None
) -> None:
    """Show a service's ValidationError on ``form``: keyed errors next to their field, others
    next to the field their code points at (``fields_by_code``; a code ending in ``*`` is a
    prefix), the rest above the form. Pages reach it through ``core.web.form_action``, its one
    caller (a guard test keeps it so)."""
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


def add_check_errors(
    form: forms.Form,
    exc: ValidationError,
    *,
    field: str | None = None,
    rename: Mapping[str, str] | None = None,
) -> None:
    """Put the errors of a service's check, run in ``clean()`` so that every problem shows on
    the first submit, on ``form``: keyed errors next to their field (``rename`` maps the
    service's keys to the form's fields), unkeyed ones next to ``field``; an error for no field
    of the form goes above it. A field whose shape is already wrong (too long, not chosen)
    keeps that one message."""
    if hasattr(exc, "error_dict"):
        groups = [((rename or {}).get(key, key), errors) for key, errors in exc.error_dict.items()]
    else:
        groups = [(field, exc.error_list)]
    for name, errors in groups:
        if name not in form.fields:
            name = None
        elif name in form.errors:
            continue
        for error in errors:
            form.add_error(name, error)
