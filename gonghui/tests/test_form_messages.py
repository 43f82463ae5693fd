"""Every app's forms speak natural Chinese: one form per app (two for stations, whose report
forms live in a view module), posted empty and with one field too long, rendered in zh-hans.
None of Django's stock wording may show — "此项为必填项" / "这个字段是必填项", "确保该变量包含
不超过 50 字符 (目前字符数 51)" — nor a half-width bracket."""

import pytest
from django.utils import translation

from gonghui.accounts.forms import LoginForm, TokenCreateForm
from gonghui.assistance.forms import ApplyForm
from gonghui.competitions.forms import CompetitionForm
from gonghui.honours.forms import PublicObjectionForm
from gonghui.innovation.forms import IdeaForm
from gonghui.members.forms import JoinForm
from gonghui.organisations.forms import OrganisationCreateForm
from gonghui.rights.forms import RequestForm
from gonghui.stations.forms import StationForm
from gonghui.stations.views.reports import SuggestForm

pytestmark = pytest.mark.django_db

STOCK = ("此项为必填项", "这个字段是必填项", "确保", "确认", "(", ")")

# (form factory taking the posted data, required fields an empty post must name, a field with a
# max_length, that max_length)
CASES = {
    "accounts": (lambda data: LoginForm(None, data=data), {"username", "password"}, None, None),
    "accounts-token": (lambda data: TokenCreateForm(data), {"name"}, "name", 100),
    "assistance": (
        ApplyForm,
        {"housing", "main_cause", "medical_insurance", "head_income", "head_employment"},
        "bank_name",
        60,
    ),
    "competitions": (
        CompetitionForm,
        {"organisation", "title", "occupation", "stage", "registration_opens", "registration_closes"},
        "title",
        200,
    ),
    "honours": (lambda data: PublicObjectionForm(data, nominees=()), {"contact", "text"}, "contact", 60),
    "innovation": (IdeaForm, {"kind", "title", "problem", "proposal"}, "title", 120),
    "members": (JoinForm, {"name", "id_number", "phone", "employer", "consent"}, "employer", 120),
    "organisations": (OrganisationCreateForm, {"kind", "code", "name"}, "name", 120),
    "rights": (
        lambda data: RequestForm(data, member=None),
        {"category", "description", "name", "phone", "work_division"},
        "name",
        50,
    ),
    "stations": (
        StationForm,
        {"organisation", "name", "address", "division_code", "lat", "lng", "hours"},
        "address",
        200,
    ),
    "stations-suggest": (
        SuggestForm,
        {"name", "address", "reason", "work_division"},
        "reason",
        500,
    ),
}


def _messages(form) -> dict[str, list[str]]:
    return {field: [str(m) for m in errors] for field, errors in form.errors.items()}


def _assert_natural(form) -> str:
    html = str(form.errors)
    for phrase in STOCK:
        assert phrase not in html, f"{phrase!r} in {html}"
    for field, messages in _messages(form).items():
        for message in messages:
            assert message.endswith(("。", "！", "？")), f"{field}: {message}"
    return html


@pytest.mark.parametrize("app", sorted(CASES))
def test_an_empty_post_names_every_required_field_in_natural_chinese(app):
    make, required, _field, _limit = CASES[app]
    with translation.override("zh-hans"):
        form = make({"csrfmiddlewaretoken": "x"})
        assert not form.is_valid()
        assert required <= set(form.errors), f"missing on the first answer: {required - set(form.errors)}"
        _assert_natural(form)


@pytest.mark.parametrize("app", sorted(app for app, case in CASES.items() if case[2]))
def test_an_overlong_field_says_how_long_it_may_be(app):
    make, _required, field, limit = CASES[app]
    with translation.override("zh-hans"):
        form = make({field: "字" * (limit + 1)})
        assert form.errors[field] == [f"最多{limit}个字，现在是{limit + 1}个字。"]
        _assert_natural(form)


def test_scoped_union_code_fields_added_after_init_are_natural_too(city_admin):
    from gonghui.innovation.forms import StudioForm

    with translation.override("zh-hans"):
        form = StudioForm({}, user=city_admin)
        assert form.errors["organisation"] == ["请填写所属工会。"]
        _assert_natural(form)
