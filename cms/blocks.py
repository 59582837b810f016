"""StreamField blocks for lesson bodies."""

from __future__ import annotations

import copy

from django.core.exceptions import ValidationError
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock
from wagtail.rich_text import RichText

from core.sanitize import sanitize_wagtail_richtext
from webinars.timezones import format_in

from .choosers import quiz_chooser_viewset, session_chooser_viewset
from .embeds import VIDEO_PROVIDERS, embed_url, provider_of, watch_url

RICH_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link", "hr", "blockquote", "code"]
VIDEO_EXTENSIONS = (".mp4", ".webm", ".ogv")


class SanitisedRichTextBlock(blocks.RichTextBlock):
    """Rich text that is sanitised again whatever wrote it (editor, import, script)."""

    def get_prep_value(self, value):
        source = value.source if isinstance(value, RichText) else (value or "")
        return sanitize_wagtail_richtext(source)


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=200)
    level = blocks.ChoiceBlock(choices=[("h2", _("Section")), ("h3", _("Subsection"))], default="h2", label=_("Level"))

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "cms/blocks/heading.html"


class OwnAltTextImageBlock(ImageBlock):
    """Wagtail's ImageBlock, except that each use of an image keeps its own alt text. ImageBlock writes the alt
    text and the decorative flag onto the Image instance, and a lesson's blocks share one instance per image: an
    image used twice would get the alt text of its last use everywhere (a decorative use would blank them all).
    Deconstructs as ImageBlock, so no migration."""

    def _struct_value_to_image(self, struct_value):
        if struct_value.get("image"):
            struct_value["image"] = copy.copy(struct_value["image"])
        return super()._struct_value_to_image(struct_value)


class FigureBlock(blocks.StructBlock):
    """An image as a set of renditions (WebP with a JPEG fallback, three widths): the phone downloads the
    smallest that fills its screen. Lazy unless the lesson page says it is on the first screen."""

    image = OwnAltTextImageBlock(label=_("Image"))
    caption = blocks.CharBlock(required=False, max_length=300, label=_("Caption"))

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/figure.html"


class CaptionTrackBlock(blocks.StructBlock):
    language = blocks.ChoiceBlock(
        choices=[("en", "English"), ("ru", "Русский"), ("ar", "العربية")], label=_("Language")
    )
    file = DocumentChooserBlock(label=_("Captions file (WebVTT, .vtt)"))

    def clean(self, value):
        value = super().clean(value)
        if value["file"] and not value["file"].file.name.lower().endswith(".vtt"):
            raise blocks.StructBlockValidationError({"file": ValidationError(_("Captions must be a .vtt file."))})
        return value


class VideoBlock(blocks.StructBlock):
    """An uploaded video with caption tracks, or a video from an allow-listed provider. Never autoplays: an
    uploaded video downloads nothing until played (preload="none"), and a provider's player (half a megabyte and
    more) loads only when the learner asks for it; until then it is a link to the video on the provider's site."""

    title = blocks.CharBlock(label=_("Title"), max_length=200)
    file = DocumentChooserBlock(required=False, label=_("Video file (MP4 or WebM)"))
    captions = blocks.ListBlock(CaptionTrackBlock(), required=False, default=[], label=_("Captions"))
    url = blocks.URLBlock(required=False, label=_("Or a YouTube or Vimeo address"))
    transcript = blocks.TextBlock(required=False, label=_("Transcript"))

    class Meta:
        icon = "media"
        label = _("Video")
        template = "cms/blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        if bool(value["file"]) == bool(value["url"]):
            errors["url"] = ValidationError(_("Choose either a video file or a video address, not both."))
        elif value["file"] and not value["file"].file.name.lower().endswith(VIDEO_EXTENSIONS):
            errors["file"] = ValidationError(_("The video must be an MP4 or WebM file."))
        elif value["url"]:
            if provider_of(value["url"]) not in VIDEO_PROVIDERS:
                errors["url"] = ValidationError(_("Use a YouTube or Vimeo address."))
            else:
                try:
                    embed_url(value["url"])
                except ValidationError as error:
                    errors["url"] = error
        if errors:
            raise blocks.StructBlockValidationError(errors)
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["embed_url"] = embed_url(value["url"]) if value["url"] else ""
        context["watch_url"] = watch_url(value["url"]) if value["url"] else ""
        context["provider"] = provider_of(value["url"]) if value["url"] else ""
        return context


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    description = blocks.CharBlock(required=False, max_length=300, label=_("Description"))

    class Meta:
        icon = "doc-full"
        label = _("Document download")
        template = "cms/blocks/document.html"


class InteractiveBlock(blocks.StructBlock):
    """H5P, PhET, GeoGebra, YouTube or Vimeo content in an iframe, from an allow-list. Like a video, the iframe
    (a simulation can weigh megabytes) loads only when the learner asks for it."""

    url = blocks.URLBlock(
        label=_("Address"), help_text=_("An https address from H5P, PhET, GeoGebra, YouTube or Vimeo.")
    )
    title = blocks.CharBlock(label=_("Title"), max_length=200, help_text=_("Describes the content for screen readers."))
    height = blocks.IntegerBlock(default=480, min_value=200, max_value=1200, label=_("Height in pixels"))

    class Meta:
        icon = "code"
        label = _("Interactive content")
        template = "cms/blocks/interactive.html"

    def clean(self, value):
        value = super().clean(value)
        try:
            embed_url(value["url"])
        except ValidationError as error:
            raise blocks.StructBlockValidationError({"url": error}) from error
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["embed_url"] = embed_url(value["url"])
        context["watch_url"] = watch_url(value["url"])
        context["provider"] = provider_of(value["url"])
        return context


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("info", _("Note")), ("tip", _("Tip")), ("warning", _("Important"))], default="info", label=_("Kind")
    )
    text = SanitisedRichTextBlock(features=["bold", "italic", "link", "ul", "ol"], label=_("Text"))

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "cms/blocks/callout.html"


QuizChooserBlock = quiz_chooser_viewset.get_block_class(name="QuizChooserBlock", module_path="cms.blocks")


class QuizBlock(blocks.StructBlock):
    """A quiz of the course: the learner's attempts, grade and start button. A lesson holding one is a quiz
    step in the course outline, completed by passing the quiz."""

    quiz = QuizChooserBlock(label=_("Quiz"))

    class Meta:
        icon = "form"
        label = _("Quiz")
        template = "cms/blocks/quiz.html"

    def get_context(self, value, parent_context=None):
        from lms.quizzes.selectors import quiz_state_for

        context = super().get_context(value, parent_context)
        request = (parent_context or {}).get("request")
        quiz = value["quiz"]
        context["quiz_state"] = quiz_state_for(quiz=quiz, user=request.user) if quiz and request else None
        return context


SessionChooserBlock = session_chooser_viewset.get_block_class(name="SessionChooserBlock", module_path="cms.blocks")


class LiveSessionBlock(blocks.StructBlock):
    """A live session of a webinar: when and where to sign up. A lesson holding one is a session step in the
    course outline, completed when a trainer marks the learner present."""

    session = SessionChooserBlock(label=_("Live session"))

    class Meta:
        icon = "date"
        label = _("Live session")
        template = "cms/blocks/live_session.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        session = value["session"]
        # In the viewer's zone (the active one), with the zone named.
        context["session_time"] = format_in(session.starts_at, get_current_timezone_name()) if session else ""
        return context


class LessonStreamBlock(blocks.StreamBlock):
    paragraph = SanitisedRichTextBlock(features=RICH_FEATURES, label=_("Text"), template="cms/blocks/paragraph.html")
    heading = HeadingBlock()
    image = FigureBlock()
    video = VideoBlock()
    document = DocumentBlock()
    interactive = InteractiveBlock()
    callout = CalloutBlock()
    quiz = QuizBlock()
    live_session = LiveSessionBlock()
