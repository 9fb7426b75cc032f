"""The forms of the member screens (Flask-WTF: each carries the CSRF token)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from core.errors import UserError
from core.money import parse_yuan
from profiles.audit.wording import locale_code
from profiles.enums import Category, DuesBasis, Gender, Position
from profiles.labels import label
from profiles.models import Member

CLEAR = "-"  # typed into a private field to empty it (an empty field keeps the value)


class FieldError(UserError, ValueError):
    """A value the form could not read: which field, and what to write instead."""

    def __init__(self, field: str, message: Any) -> None:
        super().__init__(message)
        self.field = field


def _choices(values: list[Any], blank: bool = False) -> list[tuple[str, str]]:
    code = locale_code()
    out = [("", "—")] if blank else []
    return out + [(v.value, label(v, code)) for v in values]


class MemberForm(FlaskForm):  # type: ignore[misc]
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=60)])
    gender = SelectField(_l("Gender"), choices=[])
    ethnicity = StringField(_l("Ethnicity"), validators=[Optional(), Length(max=20)])
    category = SelectField(_l("Category"), choices=[])
    position = SelectField(_l("Position"), choices=[])
    joined_on = DateField(_l("Joined the party"), validators=[DataRequired()])
    converted_on = DateField(_l("Full member since"), validators=[Optional()])
    probation_extension_months = IntegerField(
        _l("Probation extension (months)"), validators=[Optional(), NumberRange(0, 12)])
    dues_basis = SelectField(_l("Dues basis"), choices=[])
    # When the member came into the record here (their obligations begin): not a member
    # field, written by ``set_arrival`` (issue 18).
    arrived_on = DateField(_l("Here since"), validators=[Optional()])
    # Private: empty keeps the stored value (the form never shows it), "-" clears it.
    id_number = StringField(_l("ID number"), validators=[Optional(), Length(max=18)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=32)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    birth_date = StringField(_l("Birth date"), validators=[Optional(), Length(max=10)])
    dues_base = StringField(_l("Dues base (monthly wage or pension, yuan)"),
                            validators=[Optional(), Length(max=12)])

    def fill_choices(self) -> None:
        self.gender.choices = _choices(list(Gender), blank=True)
        self.category.choices = _choices(list(Category))
        self.position.choices = _choices(list(Position), blank=True)
        # The status changes on the standing screen (console/standing.py), with its dates,
        # and 已转出 by a transfer: never by editing the record.
        self.dues_basis.choices = _choices(list(DuesBasis))

    def load(self, member: Member) -> None:
        """Fill the visible fields from the record (private ones stay empty)."""
        self.name.data = member.name
        self.gender.data = member.gender.value if member.gender else ""
        self.ethnicity.data = member.ethnicity or ""
        self.category.data = member.category.value
        self.position.data = member.position.value if member.position else ""
        self.joined_on.data = member.joined_on
        self.converted_on.data = member.converted_on
        self.probation_extension_months.data = member.probation_extension_months or None
        self.dues_basis.data = member.dues_basis.value

    def values(self) -> dict[str, Any]:
        """The fields for ``update_member``; :class:`FieldError` for a private value that
        does not parse."""
        out: dict[str, Any] = {
            "name": self.name.data.strip(),
            "gender": Gender(self.gender.data) if self.gender.data else None,
            "ethnicity": (self.ethnicity.data or "").strip() or None,
            "category": Category(self.category.data),
            "position": Position(self.position.data) if self.position.data else None,
            "joined_on": self.joined_on.data,
            "converted_on": self.converted_on.data,
            "probation_extension_months": self.probation_extension_months.data or 0,
            "dues_basis": DuesBasis(self.dues_basis.data),
        }
        for name in ("id_number", "phone", "address"):
            text = (getattr(self, name).data or "").strip()
            if name == "id_number":  # a lower-case x is the same ID number
                text = text.upper()
            if text:
                out[name] = None if text == CLEAR else text
        birth = (self.birth_date.data or "").strip()
        if birth:
            try:
                out["birth_date"] = None if birth == CLEAR else dt.date.fromisoformat(birth)
            except ValueError:
                raise FieldError("birth_date", _l("Write the date like 1980-07-01.")) from None
        base = (self.dues_base.data or "").strip()
        if base:
            try:  # the one money parser; a wage is often written with separators (6,500)
                out["dues_base_cents"] = None if base == CLEAR else parse_yuan(
                    base, grouped=True)
            except ValueError:
                if base.startswith(("-", "－")):  # as the member rules said before: say why
                    raise FieldError("dues_base", _l("An amount cannot be negative.")) from None
                raise FieldError("dues_base", _l("Write an amount in yuan, like 6500.00.")) \
                    from None
        return out


class TransferForm(FlaskForm):  # type: ignore[misc]
    kind = RadioField(_l("Transfer"), choices=[], default="branch")
    target = SelectField(_l("To"), choices=[], validate_choice=False)
    on = DateField(_l("On"), validators=[DataRequired()])

    def fill_choices(self, targets: list[tuple[str, str]]) -> None:
        self.kind.choices = [("branch", _l("to another branch or party group")),
                             ("out", _l("out of the organisation (已转出)"))]
        self.target.choices = [("", "—"), *targets]
