"""The account forms (Flask-WTF: every one carries the CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp


class LoginForm(FlaskForm):  # type: ignore[misc]
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=60)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class PostForm(FlaskForm):  # type: ignore[misc]
    """A form with no fields: a button that POSTs (logout, reveal, confirm)."""


USERNAME = Regexp(r"^[A-Za-z0-9_.\-]+$", message=_l(
    "Use letters, digits, dot, dash or underscore."))


class AccountForm(FlaskForm):  # type: ignore[misc]
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=60), USERNAME])
    display_name = StringField(_l("Name"), validators=[Optional(), Length(max=60)])


class GrantForm(FlaskForm):  # type: ignore[misc]
    role = SelectField(_l("Role"), choices=[])
    branch = SelectField(_l("Branch"), choices=[], validate_choice=False)


class AccountStateForm(FlaskForm):  # type: ignore[misc]
    active = BooleanField(_l("Active"))
