"""Form widgets of the portal's own."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class PlainSelect(forms.Select):
    """A <select> built in Python: the same markup as Django's (name, id, aria attributes from
    the bound field, the selected option marked) without one template include per option,
    which made a filter with hundreds of choices cost thousands of includes per request.
    Flat choices only (no option groups)."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = set(self.format_value(value))
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (choice, " selected" if str(choice) in selected else "", label)
                for choice, label in self.choices
            ),
        )
        return format_html("<select{}>\n{}\n</select>", flatatt(final_attrs), options)
