"""The REST API, ``/api/v1/``: JSON reads for ministries' and partners' systems (certificates and teachers in the
caller's scope, certificate verification) and for learners (their own enrollments and certificates). Read-only;
every read goes through the same selectors, with the same ``Scope``, as the pages. See docs/api.md."""
