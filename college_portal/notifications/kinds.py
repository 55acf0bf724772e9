"""What each kind of notification renders and attaches.

A kind's mail is rendered from templates/notifications/<kind>/{subject.txt,body.txt,body.html}
with the stored context, in the recipient's language. Apps register attachment builders
(an .ics for a booking) without this app importing them.
"""

_attachments = {}


def register_attachments(kind, builder):
    """`builder(notification)` returns a list of (filename, content, mimetype)."""
    _attachments[kind] = builder


def attachments_for(notification):
    builder = _attachments.get(notification.kind)
    return builder(notification) if builder else []
