from wagtail import hooks

from .choosers import quiz_chooser_viewset, session_chooser_viewset


@hooks.register("register_admin_viewset")
def register_quiz_chooser():
    return quiz_chooser_viewset


@hooks.register("register_admin_viewset")
def register_session_chooser():
    return session_chooser_viewset
