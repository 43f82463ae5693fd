"""The upload form of the import page (input shape only)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import Form as NaturalForm
from gonghui.core.spreadsheets import reader
from gonghui.members.models import ImportBatch


class UploadForm(NaturalForm):
    file = forms.FileField(label=_("Roster file"))
    organisation = forms.CharField(
        label=_("Union for rows without a union code"),
        required=False,
        max_length=30,
        help_text=_("The code of a union in your scope; leave empty when every row has 所属工会代码."),
    )
    duplicates = forms.ChoiceField(
        label=_("When the ID number is already a member"),
        choices=ImportBatch.Duplicates.choices,
        initial=ImportBatch.Duplicates.SKIP,
        widget=forms.RadioSelect,
    )
    dry_run = forms.TypedChoiceField(
        label=_("Mode"),
        choices=[("1", _("Preview first (nothing is saved)")), ("0", _("Import now"))],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )

    # A refused file (empty, not a table, over a limit …) is said on the file field, exactly
    # as the API says it; nothing was stored.
    ERROR_FIELDS = {"*": "file"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Excel (.xlsx) or CSV in UTF-8 or GB18030, with the template's column names; at most "
            "%(mb)s MB and %(rows)s rows."
        ) % {"mb": f"{reader.max_bytes() / reader.MB:g}", "rows": f"{reader.max_rows():,}"}
