"""Input shapes for the news pages. The services decide what the input means (and sanitise the
body); their errors come back next to these fields through ``core.forms.add_service_error``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import Form
from gonghui.news.choices import Audience, Kind
from gonghui.organisations import scoping
from gonghui.organisations.forms import UnionField

Action = scoping.Action
MAX_TARGETS = 20


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class RichTextarea(forms.Textarea):
    """A plain textarea of HTML; ``news/editor.js`` turns it into the Quill editor when
    JavaScript runs (without it, people type or paste HTML and the server sanitises it)."""

    def __init__(self, attrs=None):
        # The image button asks for an address (an image uploaded elsewhere or on our site).
        prompt = _("Address of the image (https://…)")
        super().__init__({"rows": 14, "data-rich-editor": "", "data-image-prompt": prompt, **(attrs or {})})


class TargetsField(forms.CharField):
    """Target unions, one per line, each found like the union picker finds one (name, pinyin,
    initials or code) among the unions the writer may see; an empty field means the union's
    whole subtree. Cleans to a list of organisations."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, *, user=None, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 4000)
        super().__init__(**kwargs)
        self.user = user

    def clean(self, value):
        text = super().clean(value)
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if len(lines) > MAX_TARGETS:
            raise forms.ValidationError(
                _("At most %(limit)d target unions.") % {"limit": MAX_TARGETS}, code="too_many_targets"
            )
        picker = UnionField(user=self.user, action=Action.VIEW)
        return [picker.clean(line) for line in lines]


class ItemForm(Form):
    """A draft: what the services ``news_create`` and ``news_update`` take."""

    organisation = UnionField(label=_("Publishing union"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(label=_("Text"), widget=RichTextarea, max_length=400_000)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    targets = TargetsField(
        label=_("Target unions"),
        help_text=_("One union per line (name or code); empty: the whole union with all its branches."),
    )
    pinned = forms.BooleanField(label=_("Pinned"), required=False)
    requires_ack = forms.BooleanField(label=_("Readers must acknowledge it (notices only)"), required=False)
    valid_from = forms.DateTimeField(label=_("Shown from"), required=False, widget=DateTimeInput)
    valid_until = forms.DateTimeField(label=_("Shown until"), required=False, widget=DateTimeInput)

    def __init__(self, *args, user, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.user, field.action = user, Action.WRITE_NEWS
        self.fields["targets"].user = user
        if item is not None:
            # The union of an existing item does not change (its review rights come from it).
            del self.fields["organisation"]


class CommentForm(Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class SearchForm(Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class CorrectionForm(Form):
    """A correction (更正) of a published item: its corrected title and text."""

    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(label=_("Text"), widget=RichTextarea, max_length=400_000)


class FileForm(Form):
    file = forms.FileField(label=_("File"))


class ImageUploadForm(Form):
    """An image for the editor: the union it is uploaded for (the draft's) and the file."""

    organisation = UnionField(label=_("Publishing union"))
    file = forms.FileField(label=_("Image"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.user, field.action = user, Action.WRITE_NEWS
