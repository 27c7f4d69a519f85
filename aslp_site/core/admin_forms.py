"""The base of every admin model form of the project (Programme screens, certificate templates,
economies, partners, public pages).

Wagtail's admin forms trust their POST data in three places; a tampered or stale submission
then ends in a server error instead of a form with errors. These bases close them for every
form built on them, including the inline rows (translations, quotas, wordings...):

- An inline row's id is read unchecked: a missing or non-numeric id raised an error in
  django-modelcluster, and an id that is not one of the object's rows became a new row, which
  could break a unique constraint on saving. Such a row is now refused with a formset error.
- A chooser (image, economy, page...) looked up whatever value it was sent when the form was
  shown again: "abc" raised an error. A value that cannot be an id now shows as nothing chosen,
  next to the field's own "Select a valid choice" error.
- When the main form had errors, the inline panel sorted its rows by their ORDER value, which a
  deleted or empty row does not have. Every row now has one (None when it had none).
- TOTAL_FORMS was believed up to Django's default limit of 1,000 rows per relation, each row
  rendered again with its panels: one request could keep a worker busy for half a minute. The
  rows of a relation are capped at MAX_INLINE_ROWS; more is refused with Django's message.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.forms.boundfield import BoundField
from django.forms.formsets import ORDERING_FIELD_NAME
from django.forms.models import BaseModelFormSet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.admin.forms.models import WagtailAdminModelFormMetaclass
from wagtail.admin.widgets.chooser import BaseChooser

# The most rows one inline relation takes in one submission. The largest in use are a
# cohort's economy quotas (21 APEC economies) and a certificate template's wordings (three
# kinds in each site language).
MAX_INLINE_ROWS = 100

UNKNOWN_ROW = _(
    "A row here no longer matches a saved row; someone may have deleted it meanwhile. "
    "Copy what you typed, reload the page and enter it again."
)


class ChooserSafeBoundField(BoundField):
    """A bound field whose chooser widget is never asked to look up a value that cannot be an
    id of its model (it would raise instead of showing the form's errors)."""

    def value(self):
        value = super().value()
        widget = self.field.widget
        if (
            self.form.is_bound
            and isinstance(widget, BaseChooser)
            and value not in (None, "")
            and not isinstance(value, models.Model)
        ):
            try:
                widget.model_class._meta.pk.to_python(value)
            except (ValidationError, TypeError, ValueError):
                return None
        return value


class InlineRowsMixin:
    """For django-modelcluster's child formsets: checked row ids, an ORDER on every row and a
    cap on the number of rows."""

    absolute_max = MAX_INLINE_ROWS

    def __init__(self, *args, **kwargs):
        self._unknown_rows: set[int] = set()
        super().__init__(*args, **kwargs)

    def _construct_form(self, i, **kwargs):
        if i < self.initial_form_count():
            kwargs["instance"] = self._submitted_row(i) if self.is_bound else self.get_queryset()[i]
        if i >= self.initial_form_count() and self.initial_extra:
            try:
                kwargs["initial"] = self.initial_extra[i - self.initial_form_count()]
            except IndexError:
                pass
        # BaseModelFormSet's and modelcluster's own _construct_form are the ones replaced here.
        return super(BaseModelFormSet, self)._construct_form(i, **kwargs)

    def _submitted_row(self, i):
        """The saved row that initial row i names by its id, or a new unsaved one (marked as
        unknown unless the id was left blank, which modelcluster uses for unsaved rows)."""
        pk_field = self.model._meta.pk
        raw = self.data.get(f"{self.add_prefix(i)}-{pk_field.name}")
        if raw == "":
            return self.model()
        instance = None
        if raw is not None:
            try:
                pk = self._get_to_python(pk_field)(raw)
            except ValidationError:
                pk = None
            if pk is not None:
                instance = self._existing_object(pk)
        if instance is None:
            instance = self.model()
            self._unknown_rows.add(i)
        return instance

    def clean(self):
        super().clean()
        # The rows are built when .forms is first read, before clean() runs.
        if self._unknown_rows:
            raise ValidationError(UNKNOWN_ROW, code="unknown_row")

    def full_clean(self):
        super().full_clean()
        if self.is_bound and self.can_order:
            for form in self.forms:
                cleaned_data = getattr(form, "cleaned_data", None)
                if cleaned_data is not None:
                    cleaned_data.setdefault(ORDERING_FIELD_NAME, None)


def harden_formset(formset_class):
    return type(
        formset_class.__name__,
        (InlineRowsMixin, formset_class),
        {
            "form": harden_row_form(formset_class.form),
            "max_num": min(formset_class.max_num, MAX_INLINE_ROWS),
            "absolute_max": MAX_INLINE_ROWS,
        },
    )


def harden_row_form(form_class):
    """The form of an inline row as an AdminModelForm. Rows usually are already; Wagtail builds
    some on its own base instead (an InlinePanel whose fields defer their "required" check)."""
    if issubclass(form_class, AdminModelForm):
        return form_class
    return AdminModelFormMetaclass(
        form_class.__name__,
        (form_class, AdminModelForm),
        {"__module__": form_class.__module__},
    )


class AdminModelFormMetaclass(WagtailAdminModelFormMetaclass):
    """Builds the inline formsets as usual, then hardens them; inline rows are AdminModelForms."""

    @classmethod
    def child_form(cls):
        return AdminModelForm

    def __new__(cls, name, bases, attrs):
        new_class = super().__new__(cls, name, bases, attrs)
        formsets = getattr(new_class, "formsets", None)
        if formsets:
            new_class.formsets = {
                relation: formset
                if issubclass(formset, InlineRowsMixin)
                else harden_formset(formset)
                for relation, formset in formsets.items()
            }
        return new_class


class AdminModelForm(WagtailAdminModelForm, metaclass=AdminModelFormMetaclass):
    bound_field_class = ChooserSafeBoundField


class AdminPageForm(WagtailAdminPageForm, metaclass=AdminModelFormMetaclass):
    bound_field_class = ChooserSafeBoundField
