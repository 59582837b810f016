from django.core.management.base import BaseCommand

from core import page_cache


class Command(BaseCommand):
    help = (
        "Drop every page kept for anonymous visitors, every cached fragment (lesson bodies, navigation) and what "
        "each web process keeps in memory: once per release, after collectstatic, since templates may have changed."
    )

    def handle(self, *args, **options):
        if page_cache.page_cache() is None:
            self.stdout.write("No page cache is configured: nothing to drop.")
            return
        before = page_cache.generation()
        page_cache.invalidate()
        if page_cache.generation() in (None, before):
            self.stderr.write(self.style.WARNING("The page cache could not be reached: nothing was dropped."))
            return
        self.stdout.write(self.style.SUCCESS("Page cache invalidated."))
