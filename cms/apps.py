from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public site")

    def ready(self):
        from django.db.models.signals import pre_delete
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from webinars.signals import sessions_cancelled

        from . import outline
        from .models import CoursePage, LessonPage, ModulePage

        page_published.connect(outline.on_page_published, dispatch_uid="cms-outline-published")
        page_unpublished.connect(outline.on_page_unpublished, dispatch_uid="cms-outline-unpublished")
        post_page_move.connect(outline.on_page_moved, dispatch_uid="cms-outline-moved")
        sessions_cancelled.connect(outline.on_sessions_cancelled, dispatch_uid="cms-outline-sessions-cancelled")
        page_published.connect(_resource_published, dispatch_uid="cms-library-file-published")
        for model in (CoursePage, ModulePage, LessonPage):
            pre_delete.connect(
                outline.on_page_deleted, sender=model, dispatch_uid=f"cms-outline-deleted-{model.__name__}"
            )


def _resource_published(sender, instance, **kwargs):
    from .models import ResourcePage
    from .services import resource_files_publish

    if isinstance(instance, ResourcePage) and instance.live:
        resource_files_publish(instance)
