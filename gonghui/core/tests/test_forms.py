"""core.forms: the natural messages reach every field — those a form adds in its own
``__init__`` too — and the number and file messages Django words as "确保…" / "确认…"."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from gonghui.core.forms import Form, add_check_errors, natural_messages


def _errors(form) -> dict[str, list[str]]:
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}


def test_fields_a_form_adds_after_its_base_init_get_natural_messages_too():
    class Hours(Form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["opens"] = forms.TimeField(label="开门时间")
            self.fields["note"] = forms.CharField(label="备注", max_length=3)

    with translation.override("zh-hans"):
        assert _errors(Hours({"note": "一二三四"})) == {
            "opens": ["请填写开门时间。"],
            "note": ["最多3个字，现在是4个字。"],
        }
        assert _errors(Hours({"opens": "25:99", "note": "一"})) == {"opens": ["请按 14:30 的格式填写时间。"]}


def test_decimal_places_and_digits_are_said_plainly():
    class Weight(Form):
        weight = forms.DecimalField(label="权重", max_digits=4, decimal_places=3)

    with translation.override("zh-hans"):
        assert _errors(Weight({"weight": "0.1234"})) == {"weight": ["小数点后最多3位。"]}
        assert _errors(Weight({"weight": "12.5"})) == {"weight": ["小数点前最多1位。"]}
        assert _errors(Weight({"weight": "abc"})) == {"weight": ["请输入数字。"]}


def test_file_messages_are_natural():
    class Upload(Form):
        photo = forms.FileField(label="照片", max_length=10)

    with translation.override("zh-hans"):
        assert _errors(Upload({}, {})) == {"photo": ["请选择要上传的照片。"]}
        empty = Upload({}, {"photo": SimpleUploadedFile("a.png", b"")})
        assert _errors(empty) == {"photo": ["所选文件是空的，请重新选择。"]}
        long_name = Upload({}, {"photo": SimpleUploadedFile("very-long-name.png", b"x")})
        assert _errors(long_name) == {"photo": ["文件名最多10个字，现在是18个字，请改短后重新选择。"]}


def test_natural_messages_serves_forms_with_another_base():
    class Login(forms.Form):
        username = forms.CharField(label="用户名", max_length=5)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            natural_messages(self)

    with translation.override("zh-hans"):
        assert _errors(Login({})) == {"username": ["请填写用户名。"]}
        assert _errors(Login({"username": "abcdef"})) == {"username": ["最多5个字，现在是6个字。"]}


def test_a_label_asking_a_question_makes_a_plain_request():
    class Report(Form):
        kind = forms.ChoiceField(label="遇到了什么问题？", choices=[("a", "没水")])
        why = forms.CharField(label="Why here?")

    with translation.override("zh-hans"):
        assert _errors(Report({})) == {"kind": ["请选择遇到了什么问题。"], "why": ["请填写Why here。"]}


def test_a_service_check_adds_its_errors_except_where_the_shape_is_already_wrong():
    class Sample(Form):
        name = forms.CharField(label="姓名", max_length=3)
        place = forms.CharField(label="地点", required=False)

    form = Sample({"name": "一二三四"})
    form.is_valid()
    check = ValidationError(
        {
            "name": ValidationError("姓名不对。", code="name_bad"),
            "division_code": ValidationError("地点不对。", code="division_unknown"),
            "other": ValidationError("其他问题。", code="other"),
        }
    )
    add_check_errors(form, check, rename={"division_code": "place"})
    add_check_errors(form, ValidationError("也不对。", code="x"), field="place")  # one message a field
    with translation.override("zh-hans"):
        assert _errors(form) == {
            "name": ["最多3个字，现在是4个字。"],
            "place": ["地点不对。"],
            "__all__": ["其他问题。"],
        }
