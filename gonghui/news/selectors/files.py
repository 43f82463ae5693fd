"""Reading the files of news items: images by id (anyone: published pages show them to every
reader), attachments to those who may read the item or, before publication, officers in scope."""

from django.core.exceptions import ValidationError
from django.http import Http404

from gonghui.news.models import NewsAttachment, NewsImage
from gonghui.news.selectors import officer_view_or_404
from gonghui.news.selectors.readers import published_for


def image_or_404(image_id) -> NewsImage:
    try:
        return NewsImage.objects.get(pk=image_id)
    except (NewsImage.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def attachment_or_404(user, item_id, attachment_id) -> NewsAttachment:
    """The attachment of an item ``user`` may read (published) or see as an officer; 404 for
    everything else, missing and malformed ids included."""
    try:
        attachment = NewsAttachment.objects.select_related("item").get(pk=attachment_id, item_id=item_id)
    except (NewsAttachment.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    if not published_for(user).filter(pk=attachment.item_id).exists():
        officer_view_or_404(user, attachment.item_id)
    return attachment
