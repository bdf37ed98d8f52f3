"""Domain errors raised by services; turned into responses in one place (register_error_handlers)."""
from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    status_code = 400
    default_message = _l("The request could not be completed.")

    def __init__(self, message=None, *, field=None):
        self.message = message or self.default_message
        self.field = field  # the form field the message belongs to, when there is one
        super().__init__(self.message)


class PermissionDenied(DomainError):
    status_code = 403
    default_message = _l("You do not have permission to do that.")


class NotFound(DomainError):
    status_code = 404
    default_message = _l("The page or item you asked for does not exist.")


class InvalidInput(DomainError):
    status_code = 422
    default_message = _l("Some of the information you entered is not valid.")


class Conflict(DomainError):
    status_code = 409
    default_message = _l("This conflicts with the current state; reload the page and try again.")


class InvalidTransition(Conflict):
    default_message = _l("This action is not possible in the item's current state.")
