"""Log in, log out, and (administrators) manage accounts, under ``/console``."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from accounts.access import admin_required, public, signed_in
from accounts.forms import AccountForm, GrantForm, LoginForm, PostForm
from accounts.models import Account, Grant, Role
from accounts.passwords import (
    burn_time,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from accounts.service import (
    AccountError,
    GrantSpec,
    add_grant,
    create_account,
    find_account,
    reset_password,
    revoke_grant,
    set_active,
)
from accounts.service import change_password as service_change_password
from accounts.sessions import end_session, start_session
from accounts.throttle import limiter, remember_device, throttle
from core.db import db
from core.numbers import bounded_int
from profiles.models import Branch

# Console pages: the console gives this blueprint its rules (login required, console
# headers) and registers it (console.init_console); accounts imports nothing of console.
bp = Blueprint("accounts", __name__, url_prefix="/console")

SOURCE = "console"


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path inside the console, never another host.

    ``//evil.example``, ``/\\evil.example``, ``https://…`` and anything outside
    ``/console`` are refused, so a login link cannot be turned into an open redirect.
    """
    home = url_for("console.home")
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/console"):
        return home
    if target.startswith("//") or parts.path.startswith(url_for("accounts.login")):
        return home
    return target


def _flood_limit() -> str:
    return str(current_app.config["LOGIN_FLOOD"])


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_flood_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    """The login form. Bad passwords are counted per account and per address."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        username = form.username.data.strip()
        lockout = throttle().refused(username)
        if lockout is not None:
            if lockout.locked:
                error = _("Too many wrong passwords: this login is locked. Try again in "
                          "%(minutes)d minutes, or ask the administrator to reset the "
                          "password.", minutes=lockout.minutes)
            else:
                error = _("Too many wrong passwords. Wait %(minutes)d minutes and try again.",
                          minutes=lockout.minutes)
            status = 429
        else:
            account = find_account(username)
            ok = False
            if account is None:
                burn_time(form.password.data)
            else:
                ok = verify_password(account.password_hash, form.password.data)
            if ok and account is not None and account.active:
                throttle().succeeded(username)
                if needs_rehash(account.password_hash):
                    account.password_hash = hash_password(form.password.data)
                start_session(account)
                db.session.commit()
                response = redirect(safe_next(request.args.get("next")))
                remember_device(response, username)  # never locked out by others' failures
                return response
            if not ok:
                throttle().failed(username)
            # One message for every failure: it must not tell which accounts exist.
            error = _("Wrong username or password, or the account is disabled.")
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("accounts/login.html", form=form, error=error), status


@bp.post("/logout")
@signed_in
def logout() -> Response:
    """End the session on the server and in the browser."""
    # CSRFProtect has already refused a logout posted without this session's token.
    end_session(current_user.get_id() if current_user.is_authenticated else None)
    db.session.commit()
    flash(_("You have logged out."))
    return redirect(url_for("accounts.login"))


# -- every account: its own password ------------------------------------------------------

@bp.route("/password", methods=["GET", "POST"])
@signed_in
@limiter.limit(_flood_limit, methods=["POST"])
def change_password() -> ResponseReturnValue:
    """Change one's own password: the current one, then the new one twice. Every session
    ends, this one too: log in again with the new password."""
    problems: dict[str, str] = {}
    if request.method == "POST":
        if not PostForm().validate_on_submit():
            abort(400)
        account = db.session.get(Account, current_user.account_id)
        if account is None:
            abort(404)
        current = request.form.get("current", "")
        new = request.form.get("new", "")
        if not verify_password(account.password_hash, current):
            problems["current"] = _("This is not your current password. Type it again.")
        refused = password_problem(new)
        if refused:
            problems["new"] = _(refused)
        elif new == current:
            problems["new"] = _("Choose a password other than the current one.")
        elif new != request.form.get("repeat", ""):
            problems["repeat"] = _("The two new passwords differ. Type the new one again.")
        if not problems:
            service_change_password(current_user.username, SOURCE, account, new)
            db.session.commit()
            flash(_("Password changed. Log in with the new password."))
            return redirect(url_for("accounts.login"), 303)
    return (render_template("accounts/change_password.html", problems=problems,
                            first=next(iter(problems), None)),
            400 if problems else 200)


# -- administrators: accounts -------------------------------------------------------------


def _branch_choices() -> list[tuple[str, str]]:
    rows = db.session.execute(select(Branch.code, Branch.name).order_by(Branch.code)).all()
    return [("", "—")] + [(code, f"{code} {name}") for code, name in rows]


def _role_choices() -> list[tuple[str, str]]:
    return [(Role.SECRETARY.value, _("Branch secretary or committee member")),
            (Role.SUPERVISOR.value, _("Supervisor (reads every branch)")),
            (Role.ADMIN.value, _("Administrator"))]


def _grant_form() -> GrantForm:
    form = GrantForm()
    form.role.choices = _role_choices()
    form.branch.choices = _branch_choices()
    return form


def _account_or_404(username: str) -> Account:
    account = find_account(username)
    if account is None:
        abort(404)
    return account


def _spec(form: GrantForm) -> GrantSpec:
    role = Role(form.role.data)
    return GrantSpec(role, form.branch.data or None if role is Role.SECRETARY else None)


def _refusal(exc: AccountError) -> str:
    return exc.message


@bp.get("/accounts")
@admin_required
def accounts() -> str:
    """Every account with its grants."""
    rows = db.session.scalars(select(Account).order_by(Account.username)).all()
    return render_template("accounts/list.html", accounts=rows)


@bp.route("/accounts/new", methods=["GET", "POST"])
@admin_required
def new_account() -> ResponseReturnValue:
    """Create an account with one grant; the password is shown once."""
    form = AccountForm()
    grant = _grant_form()
    error = None
    if form.validate_on_submit() and grant.validate():
        try:
            account, password = create_account(
                current_user.username, SOURCE, form.username.data, [_spec(grant)],
                form.display_name.data or "")
        except AccountError as exc:
            db.session.rollback()
            error = _refusal(exc)
        else:
            db.session.commit()
            return render_template("accounts/password.html", account=account,
                                   password=password)
    elif request.method == "POST":
        error = _("Check the form.")
    return (render_template("accounts/new.html", form=form, grant=grant, error=error),
            200 if error is None else 400)


@bp.route("/accounts/<username>", methods=["GET", "POST"])
@admin_required
def account(username: str) -> ResponseReturnValue:
    """One account: its grants (add, revoke), reset the password, enable or disable."""
    found = _account_or_404(username)
    grant = _grant_form()
    error = None
    if request.method == "POST":
        action = request.form.get("action", "")
        actor = current_user.username
        try:
            if action == "grant" and grant.validate_on_submit():
                add_grant(actor, SOURCE, found, _spec(grant))
            elif action == "revoke" and PostForm().validate_on_submit():
                target = db.session.get(Grant, bounded_int(request.form.get("grant", ""), 1) or 0)
                if target is None or target.account_id != found.id:
                    abort(404)
                revoke_grant(actor, SOURCE, found, target)
            elif action == "reset" and PostForm().validate_on_submit():
                password = reset_password(actor, SOURCE, found)
                db.session.commit()
                return render_template("accounts/password.html", account=found,
                                       password=password)
            elif action in ("disable", "enable") and PostForm().validate_on_submit():
                if found.id == current_user.account_id and action == "disable":
                    raise AccountError("You cannot disable your own account.")
                set_active(actor, SOURCE, found, action == "enable")
            else:
                raise AccountError("Check the form.")
        except AccountError as exc:
            db.session.rollback()
            error = _refusal(exc)
        else:
            db.session.commit()
            return redirect(url_for("accounts.account", username=found.username))
    return (render_template("accounts/account.html", account=found, grant=grant,
                            post=PostForm(), error=error),
            200 if error is None else 400)
