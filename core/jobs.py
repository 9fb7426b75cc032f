"""Background jobs as the console sees them: who started what, how far it got, what it made.

The queue itself (Huey) lives in :mod:`core.tasks`; this module keeps one ``job`` row per
piece of long work so its owner can watch it. The row, not the queue, is what a page
shows: the queue forgets a task once a worker takes it, and the row outlives a restart of
the server or the worker. Files a job makes live under ``instance/jobs/`` and are named by
the job's random id, never by anything a person typed.

Progress is written on a connection of its own and committed at once: a job's work may
hold a long transaction (an import), and the page watching it must see the count move.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import DateTime, Integer, String, Text, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from core.db import db

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
FINISHED = frozenset({DONE, FAILED})


class Job(db.Model):  # type: ignore[name-defined,misc]
    """One piece of long work started from the console, and its progress."""

    __tablename__ = "job"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random: guessing is futile
    kind: Mapped[str] = mapped_column(String(20))  # "print", "import"
    owner: Mapped[str] = mapped_column(String(60), index=True)  # the account's username
    title: Mapped[str] = mapped_column(String(200), default="")  # what the owner asked for
    state: Mapped[str] = mapped_column(String(10), default=QUEUED)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    params: Mapped[str] = mapped_column(Text, default="{}")  # JSON: what the task needs
    result: Mapped[str] = mapped_column(Text, default="{}")  # JSON: what the page shows after
    message: Mapped[str] = mapped_column(Text, default="")  # why it failed
    file_name: Mapped[str] = mapped_column(String(200), default="")  # download name, if any
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                    server_default=func.now())
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def options(self) -> dict[str, Any]:
        return dict(json.loads(self.params or "{}"))

    @property
    def outcome(self) -> dict[str, Any]:
        return dict(json.loads(self.result or "{}"))

    @property
    def percent(self) -> int:
        if self.state == DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.state in FINISHED


def new_job(kind: str, owner: str, title: str, params: dict[str, Any]) -> Job:
    """A queued job (added and flushed; the caller commits before enqueuing it)."""
    job = Job(id=secrets.token_hex(16), kind=kind, owner=owner, title=title[:200],
              state=QUEUED, params=json.dumps(params, ensure_ascii=False))
    db.session.add(job)
    db.session.flush()
    return job


def owner_load(owner: str, period: dt.timedelta) -> tuple[int, int]:
    """How many jobs ``owner`` started within ``period``, and how many are unfinished (an
    account's quota: console/imports.py)."""
    since = dt.datetime.now(dt.UTC) - period
    recent = db.session.scalar(select(func.count(Job.id)).where(
        Job.owner == owner, Job.created_at >= since)) or 0
    running = db.session.scalar(select(func.count(Job.id)).where(
        Job.owner == owner, Job.state.in_((QUEUED, RUNNING)))) or 0
    return int(recent), int(running)


def latest_jobs(owner: str | None, limit: int) -> list[Job]:
    """The newest ``limit`` jobs, newest first: ``owner``'s, or everyone's for None (an
    administrator's list). Whose list it is, is the caller's access decision."""
    query = select(Job).order_by(Job.created_at.desc(), Job.id).limit(limit)
    if owner is not None:
        query = query.where(Job.owner == owner)
    return list(db.session.scalars(query).all())


def _set(job_id: str, **values: Any) -> None:
    # Its own short transaction: visible to the watching page at once, whatever the job's
    # own session has open.
    with db.engine.begin() as conn:
        conn.execute(update(Job).where(Job.id == job_id).values(**values))


def set_progress(job_id: str, done: int, total: int) -> None:
    _set(job_id, state=RUNNING, done=done, total=total)


def start(job_id: str) -> None:
    _set(job_id, state=RUNNING, done=0, message="")


def finish(job_id: str, result: dict[str, Any], file_name: str = "") -> None:
    _set(job_id, state=DONE, result=json.dumps(result, ensure_ascii=False),
         file_name=file_name, finished_at=dt.datetime.now(dt.UTC))


def fail(job_id: str, message: str, result: dict[str, Any] | None = None) -> None:
    _set(job_id, state=FAILED, message=message[:2000],
         result=json.dumps(result or {}, ensure_ascii=False),
         finished_at=dt.datetime.now(dt.UTC))


def requeue(job_id: str, params: dict[str, Any]) -> None:
    """Run the job again with new parameters (an import after its dry run was confirmed)."""
    _set(job_id, state=QUEUED, done=0, total=0, message="", finished_at=None,
         params=json.dumps(params, ensure_ascii=False))


def fail_interrupted(message: str) -> int:
    """Mark jobs a stopped worker left half done as failed (their owner starts them again);
    how many. Only for a single worker: with several, another may be running them."""
    with db.engine.begin() as conn:
        result = conn.execute(update(Job).where(Job.state == RUNNING).values(
            state=FAILED, message=message, finished_at=dt.datetime.now(dt.UTC)))
    return int(result.rowcount or 0)


def jobs_dir() -> Path:
    """Where jobs keep their files: ``instance/jobs`` (private: members' data)."""
    path = Path(current_app.instance_path) / "jobs"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def job_file(job_id: str, suffix: str) -> Path:
    """The file a job makes, named by its id."""
    if not job_id.isalnum():  # ids are hex; never let one walk out of the folder
        raise ValueError(job_id)
    return jobs_dir() / f"{job_id}{suffix}"
