"""The web layer's own refusals, raised by the dependencies and the routes and answered by the app's
handlers (a redirect to the login page or a 401; a 403 page or JSON body)."""

from __future__ import annotations


class NotSignedIn(Exception):
    pass


class Forbidden(Exception):
    pass
