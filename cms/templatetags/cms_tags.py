from django import template

from cms.lessons import lesson_body_parts

register = template.Library()


@register.simple_tag(takes_context=True)
def lesson_body(context, page):
    """The lesson's body block by block (cms.lessons.lesson_body_parts): ``html`` for the blocks drawn already,
    ``block`` for the ones to draw for this visitor."""
    return lesson_body_parts(page, context)
