from django.core.management.base import BaseCommand

from gonghui.search import index


class Command(BaseCommand):
    help = "Rebuild the search index from every search source (news, activities, …)."

    def handle(self, *args, **options):
        count = index.rebuild()
        self.stdout.write(f"{count} documents indexed")
