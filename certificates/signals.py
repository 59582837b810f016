"""Signals that certificates sends."""

from django.dispatch import Signal

# Sent by ``services.certificate_render`` just before it renders a certificate's PDF (``certificate``,
# ``reason``). Nothing in Maktaba listens; the tests hold a worker here so that killing it lands mid-render.
render_started = Signal()
