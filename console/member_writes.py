"""Changing a member: edit, transfer (to a branch or party group, or out), reissue the card
and print the new one. Every write goes through the operations
(``profiles.members.operations``, ``profiles.cards``); the request commits; the change log
names the account."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from accounts.access import current_access, member_access
from accounts.forms import PostForm
from console import downloads
from console.blueprint import bp
from console.member_forms import FieldError, MemberForm, TransferForm
from console.privacy import private_values
from console.record import actor
from core.clock import today
from core.db import db
from core.numbers import bounded_int
from profiles.cards import reissue_card
from profiles.members import history as membership_history
from profiles.members.operations import (
    set_arrival,
    transfer_member,
    transfer_out,
    update_member,
)
from profiles.models import Branch, Member, PartyGroup
from profiles.org import reads as org_reads
from profiles.writes import RuleViolation

# Why a card is reissued (logged with the new generation); 其他 takes a written reason.
REISSUE_REASONS = {"lost": _l("Lost"), "damaged": _l("Damaged"),
                   "stolen": _l("Stolen, or its code was shared"),
                   "changed": _l("Details on it changed")}

# Rule problems name Member attributes; the form names a few differently.
FORM_FIELD = {"dues_base_cents": "dues_base"}


def attach(form: Any, field: str | None, message: str, general: list[str]) -> None:
    """Show ``message`` under the form's field named ``field`` (a Member attribute or the
    form's own name), or among the ``general`` messages above the form."""
    target = getattr(form, FORM_FIELD.get(field or "", field or ""), None) if field else None
    if target is not None and hasattr(target, "errors"):
        if isinstance(target.errors, tuple):
            target.errors = list(target.errors)
        target.errors.append(message)
    else:
        general.append(message)


@bp.route("/members/<number>/edit", methods=["GET", "POST"])
@member_access(write=True)
def edit_member(member: Member) -> ResponseReturnValue:
    """Edit a member's record. Private fields are never shown here: typing replaces one."""
    form = MemberForm()
    form.fill_choices()
    if request.method == "GET":
        form.load(member)
        form.arrived_on.data = _arrived_on(member)
    general: list[str] = []
    if form.validate_on_submit():
        try:
            update_member(actor(), member, today=today(), **form.values())
            if form.arrived_on.data is not None:
                set_arrival(actor(), member, on=form.arrived_on.data, today=today())
        except FieldError as exc:
            attach(form, exc.field, exc.message, general)
        except RuleViolation as exc:
            for problem in exc.problems:
                attach(form, problem.field, str(problem), general)
        else:
            db.session.commit()
            flash(_("Saved."))
            return redirect(url_for("console.member", number=member.number))
        db.session.rollback()
    elif request.method == "POST":
        general.append(_("Check the marked fields."))
    status = 400 if request.method == "POST" else 200
    # What is stored shows masked, as on the member page: enough to know a value is there.
    stored = {FORM_FIELD.get(p.field, p.field): p.value
              for p in private_values(member, revealed=False)}
    return render_template("console/member_edit.html", member=member, form=form,
                           general=general, stored=stored,
                           today_iso=today().isoformat()), status


def _arrived_on(member: Member) -> Any:
    """The day the member's record here begins (the first range of their membership)."""
    spans = membership_history.history(member.id)
    return spans[0].since if spans else None


def _targets(member: Member) -> list[tuple[str, str]]:
    """Branches (and their party groups) the account may move a member to: those it writes.
    A branch it may not read is never listed, so its name never shows."""
    rows = org_reads.branches_and_groups(current_access().writable)
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for code, name, group_id, group_name in rows:
        if code not in seen:
            seen.add(code)
            out.append((code, f"{code} {name}"))
        if group_id is not None:
            out.append((f"{code}/{group_id}", f"{code} {name} · {group_name}"))
    current = f"{member.branch.code}/{member.group_id}" if member.group_id else member.branch.code
    return [t for t in out if t[0] != current]


def _target(value: str) -> tuple[Branch, PartyGroup | None] | None:
    code, _, group_id = value.partition("/")
    branch = org_reads.branch_by_code(code)
    if branch is None or not current_access().can_write(branch.id):
        return None
    group = None
    if group_id:
        number = bounded_int(group_id, 1)
        group = org_reads.group_by_id(number) if number is not None else None
        if group is None or group.branch_id != branch.id:
            return None
    return branch, group


@bp.route("/members/<number>/transfer", methods=["GET", "POST"])
@member_access(write=True)
def transfer(member: Member) -> ResponseReturnValue:
    """Move a member to another branch or party group, or record them transferred out."""
    form = TransferForm()
    form.fill_choices(_targets(member))
    if request.method == "GET":
        form.on.data = today()
    general: list[str] = []
    if form.validate_on_submit():
        try:
            if form.kind.data == "out":
                transfer_out(actor(), member, on=form.on.data)
            else:
                target = _target(form.target.data or "")
                if target is None:
                    raise FieldError("target", _("Choose where the member goes."))
                transfer_member(actor(), member, branch=target[0], group=target[1],
                                on=form.on.data)
        except FieldError as exc:
            attach(form, exc.field, exc.message, general)
        except RuleViolation as exc:
            for problem in exc.problems:
                attach(form, problem.field, str(problem), general)
        else:
            db.session.commit()
            flash(_("%(name)s: transfer recorded.", name=member.name))
            if current_access().can_read(member.branch_id):
                return redirect(url_for("console.member", number=member.number))
            return redirect(url_for("console.members"))
        db.session.rollback()
    elif request.method == "POST":
        general.append(_("Check the marked fields."))
    status = 400 if request.method == "POST" else 200
    return render_template("console/member_transfer.html", member=member, form=form,
                           general=general), status


@bp.route("/members/<number>/reissue", methods=["GET", "POST"])
@member_access(write=True)
def reissue(member: Member) -> ResponseReturnValue:
    """Confirm, then give the member a new card: the old card's code answers "replaced"."""
    form = PostForm()
    problem = ""
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        choice = request.form.get("reason", "")
        other = request.form.get("other", "").strip()
        reason = other if choice == "other" else str(REISSUE_REASONS.get(choice, ""))
        if not reason:
            problem = _("Say why the card is reissued: choose a reason, or choose 其他 and "
                        "write it.")
            return render_template("console/reissue.html", member=member, form=form,
                                   reasons=REISSUE_REASONS, problem=problem), 400
        old = member.card_generation
        try:
            new = reissue_card(actor("console card reissue"), member, reason)
        except RuleViolation as exc:
            db.session.rollback()
            return render_template("console/reissue.html", member=member, form=form,
                                   reasons=REISSUE_REASONS,
                                   problem="；".join(str(p) for p in exc.problems)), 400
        db.session.commit()
        # Redirect (not a page in answer to the POST): reloading must not reissue again.
        flash(_("%(name)s now has card generation %(new)d; card generation %(old)d no longer "
                "opens the page. Print the new card with \"Print card (PDF)\".",
                name=member.name, new=new, old=old))
        return redirect(url_for("console.member", number=member.number))
    return render_template("console/reissue.html", member=member, form=form,
                           reasons=REISSUE_REASONS, problem=problem)


@bp.get("/members/<number>/card.pdf")
@member_access(write=True)
def card_pdf(member: Member) -> ResponseReturnValue:
    """The member's current card on an ID-1 sheet, as PDF (renders in the request)."""
    from print.cards import render_cards
    from print.data import card_values
    from print.errors import PrintError
    from print.fonts import find_cjk_font
    from print.presets import get_preset

    config = current_app.config
    try:
        cards = card_values(db.session, config["BASE_URL"], config["SIGNING_KEYS"],
                            config["ORG_NAME"], None, True, [member.number])
        pdf = render_cards(cards, get_preset("id1"), find_cjk_font(config.get("CJK_FONT")))
    except PrintError as exc:
        return render_template("console/error.html", status=503, message=str(exc)), 503
    return downloads.pdf(pdf, f"card-{member.number}-{member.card_generation}.pdf")
