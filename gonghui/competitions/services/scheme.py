"""The marking scheme (WorldSkills CIS style): sections with weights, aspects measured or
judged, exported and imported as JSON (docs/modules/competitions.md, "Marking scheme").

A scheme is one document: every refusal is on the field ``scheme``, its message names where
in the document the problem is (``sections[2].aspects[1]: …``) and its code what kind of
problem: the input vocabulary's (``required``, ``too_long``, ``number_*``, ``invalid_choice``)
for a value read like any other input, the scheme's own (``bad_bands``, ``duplicate_aspect`` …)
for its structure."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.competitions import permissions, selectors
from gonghui.competitions.choices import AspectKind, MeasurementMode, Status
from gonghui.competitions.models import Aspect, Competition, JudgeAssignment, Section
from gonghui.core import audit, inputs
from gonghui.core.inputs import field_error
from gonghui.core.text import clean


def scheme_export(competition: Competition) -> dict:
    """The marking scheme as JSON (the shape ``scheme_import`` reads)."""
    out = []
    for section in selectors.sections_with_aspects(competition):
        aspects = []
        for a in section.aspects.all():
            item = {
                "code": a.code,
                "description": a.description,
                "max_mark": str(a.max_mark),
                "kind": a.kind,
            }
            if a.kind == AspectKind.MEASUREMENT:
                item["mode"] = a.mode
                if a.mode == MeasurementMode.BANDS:
                    item["bands"] = a.bands
            else:
                item["descriptors"] = a.descriptors
            aspects.append(item)
        out.append({"name": section.name, "weight": str(section.weight), "aspects": aspects})
    return {"sections": out}


def _scheme_error(where: str, message: str, code: str) -> ValidationError:
    return field_error("scheme", f"{where}: {message}" if where else message, code)


def _read(where: str, reader, value, *args, **options):
    """``value`` read by a ``core.inputs`` reader; its refusal keeps its code and message and
    is placed in the document (field ``scheme``, ``where: …``)."""
    try:
        return reader(value, "", *args, **options)
    except ValidationError as exc:
        raise _scheme_error(where, exc.messages[0], exc.code) from None


def _parse_scheme(data) -> list[dict]:
    """Validate a whole scheme before anything is written; returns cleaned sections."""
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list) or not data["sections"]:
        raise _scheme_error("", _("A scheme is an object with a non-empty list of sections."), "bad_scheme")
    sections, names, codes = [], set(), set()
    total = Decimal(0)
    for i, raw in enumerate(data["sections"], 1):
        where = f"sections[{i}]"
        if not isinstance(raw, dict):
            raise _scheme_error(where, _("A section is an object."), "bad_scheme")
        name = _read(f"{where}.name", inputs.text, raw.get("name"), required=True, max_length=100)
        if name in names:
            raise _scheme_error(where, _("Two sections have the same name."), "duplicate_section")
        names.add(name)
        weight = _read(
            f"{where}.weight",
            inputs.number,
            raw.get("weight"),
            # Above 0: with four decimals the smallest weight is 0.0001.
            minimum=Decimal("0.0001"),
            maximum=1,
            places=4,
            message=_("A weight is above 0 and at most 1 (4 decimals)."),
        )
        total += weight
        aspects = raw.get("aspects")
        if not isinstance(aspects, list) or not aspects:
            raise _scheme_error(where, _("A section needs at least one aspect."), "bad_section")
        cleaned = []
        for j, a in enumerate(aspects, 1):
            cleaned.append(_parse_aspect(f"{where}.aspects[{j}]", a, codes))
        sections.append({"name": name, "weight": weight, "aspects": cleaned})
    if total != 1:
        raise _scheme_error(
            "", _("The section weights add up to %(total)s, not 1.") % {"total": total}, "weights_sum"
        )
    return sections


def _parse_aspect(where: str, a, codes: set) -> dict:
    if not isinstance(a, dict):
        raise _scheme_error(where, _("An aspect is an object."), "bad_aspect")
    code = _read(f"{where}.code", inputs.text, a.get("code"), required=True, max_length=20)
    if code in codes:
        raise _scheme_error(
            where, _("The aspect code %(code)s is used twice.") % {"code": code}, "duplicate_aspect"
        )
    codes.add(code)
    description = _read(
        f"{where}.description", inputs.text, a.get("description"), required=True, max_length=300
    )
    max_mark = _read(
        f"{where}.max_mark",
        inputs.number,
        a.get("max_mark"),
        minimum=Decimal("0.01"),  # above 0, with two decimals
        maximum=1000,
        places=2,
        message=_("The maximum mark is above 0 and at most 1000 (2 decimals)."),
    )
    kind = _read(f"{where}.kind", inputs.choice, a.get("kind"), AspectKind)
    out = {
        "code": code,
        "description": description,
        "max_mark": max_mark,
        "kind": kind,
        "mode": "",
        "bands": [],
        "descriptors": {},
    }
    if kind == AspectKind.MEASUREMENT:
        mode = _read(
            f"{where}.mode", inputs.choice, a.get("mode", MeasurementMode.FULL_OR_ZERO), MeasurementMode
        )
        out["mode"] = mode
        if mode == MeasurementMode.BANDS:
            out["bands"] = _parse_bands(where, a.get("bands"), max_mark)
    elif kind == AspectKind.JUDGEMENT:
        descriptors = a.get("descriptors")
        if not isinstance(descriptors, dict) or set(descriptors) != {"0", "1", "2", "3"}:
            raise _scheme_error(
                where, _("A judgement needs a descriptor for each of 0, 1, 2 and 3."), "bad_descriptors"
            )
        cleaned = {k: clean(v) for k, v in descriptors.items()}
        if any(not v or len(v) > 500 for v in cleaned.values()):
            raise _scheme_error(where, _("A descriptor is 1 to 500 characters."), "bad_descriptors")
        out["descriptors"] = cleaned
    return out


def _parse_bands(where: str, bands, max_mark: Decimal) -> list[dict]:
    if not isinstance(bands, list) or not bands:
        raise _scheme_error(where, _("Tolerance bands need at least one band."), "bad_bands")
    out = []
    for band in bands:
        try:
            within = Decimal(str(band["within"]))
            mark = Decimal(str(band["mark"]))
        except (InvalidOperation, ValueError, KeyError, TypeError):
            raise _scheme_error(
                where, _('A band is {"within": number, "mark": number}.'), "bad_bands"
            ) from None
        if not within.is_finite() or not mark.is_finite() or within < 0 or not 0 <= mark <= max_mark:
            raise _scheme_error(
                where, _("A band's tolerance is ≥ 0 and its mark between 0 and the maximum."), "bad_bands"
            )
        out.append({"within": str(within), "mark": str(mark)})
    out.sort(key=lambda b: Decimal(b["within"]))
    return out


def scheme_import(*, actor, competition: Competition, data) -> list[Section]:
    """Replace the marking scheme with ``data`` (see ``scheme_export``). Validated entirely
    first: a bad scheme writes nothing. Needs ``manage_competitions``; only before marking
    starts (``scheme_frozen``). Raises ValidationError on field ``scheme``."""
    permissions.require_manage(actor, competition)
    if competition.status not in {Status.DRAFT, Status.REGISTRATION}:
        raise field_error(
            "scheme", _("Marking has started; the scheme can no longer change."), "scheme_frozen"
        )
    parsed = _parse_scheme(data)
    with transaction.atomic():
        Competition.objects.select_for_update().get(pk=competition.pk)
        JudgeAssignment.objects.filter(competition=competition).delete()
        Section.objects.filter(competition=competition).delete()
        created = []
        for order, s in enumerate(parsed):
            section = Section.objects.create(
                competition=competition, name=s["name"], weight=s["weight"], order=order
            )
            Aspect.objects.bulk_create(
                [
                    Aspect(competition=competition, section=section, order=k, **a)
                    for k, a in enumerate(s["aspects"])
                ]
            )
            created.append(section)
        audit.record(
            actor=actor,
            action="competitions.scheme.imported",
            obj=competition,
            organisation_id=competition.organisation_id,
            changes={
                "sections": [None, len(parsed)],
                "aspects": [None, sum(len(s["aspects"]) for s in parsed)],
            },
        )
    return created
