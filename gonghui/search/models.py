"""The search index: one ``SearchDocument`` per indexed object of a source (news item, activity)
and its distinct terms (``tokens``). Written only by ``gonghui.search.index``."""

from django.db import models

from gonghui.core.ids import new_id


class SearchDocument(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    # The source's key in the registry (``sources``): "news", "activities", …
    source = models.CharField(max_length=32)
    # Every object of the project has a UUID primary key (ADR 0004).
    object_id = models.UUIDField()
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "object_id"], name="search_document_once")]

    def __str__(self):
        return f"{self.source}:{self.object_id}"


class SearchTerm(models.Model):
    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=32)

    class Meta:
        # The query reads term → documents; the document id in the index answers it alone.
        indexes = [models.Index(fields=["term", "document"], name="search_term_doc")]
        constraints = [models.UniqueConstraint(fields=["document", "term"], name="search_term_once")]

    def __str__(self):
        return self.term
