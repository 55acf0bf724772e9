"""Form widgets of the portal's own."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe


class PlainSelect(forms.Select):
    """A <select> built in Python: the same markup as Django's (name, id, aria attributes from
    the bound field, the selected option marked) without one template include per option,
    which made a filter with hundreds of choices cost thousands of includes per request.
    Flat choices only (no option groups)."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = set(self.format_value(value))
        # Plain string building with escape(): format_html per option cost most of the
        # render of a list with hundreds of choices.
        options = "\n".join(
            f'<option value="{escape(choice)}"{" selected" if str(choice) in selected else ""}>'
            f"{escape(label)}</option>"
            for choice, label in self.choices
        )
        return format_html(
            "<select{}>\n{}\n</select>",
            flatatt(final_attrs),
            mark_safe(options),  # noqa: S308
        )
