"""Maktaba's own date formats, per language (``FORMAT_MODULE_PATH``): only names Django does not define; Django's
own formats for each language are left as they are."""
