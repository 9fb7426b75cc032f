"""The task queue: Huey, on SQLite in ``instance/`` by default, on Redis when configured.

Why Huey: a small, long-maintained queue whose SQLite backend needs no service at all (a
fresh machine runs ``make run`` and has a working queue), and whose Redis backend lets
production run workers on several machines against the same queue, by one setting
(``JOBS_REDIS_URL``). The queue is persistent either way: a task enqueued while the worker
is down is run when it comes back.

Core knows no feature. A feature declares its task with :func:`task` (a plain function
taking the job id); the functions are bound to the app's Huey instance when the app is
created, each run inside an application context::

    # print/tasks.py
    from core.tasks import task

    @task("print_cards")
    def print_cards(job_id: str) -> None: ...

    # a view
    enqueue("print_cards", job.id)

``JOBS_IMMEDIATE`` (default: on in testing) runs a task at once in the caller's thread,
which is how most tests exercise a task's logic; one test runs a real consumer thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

TaskFunction = Callable[[str], None]

_TASKS: dict[str, TaskFunction] = {}
EXTENSION = "partycard.tasks"


def task(name: str) -> Callable[[TaskFunction], TaskFunction]:
    """Declare ``fn(job_id)`` as the background task ``name``."""

    def register(fn: TaskFunction) -> TaskFunction:
        _TASKS[name] = fn
        return fn

    return register


class Queue:
    """One app's Huey instance and the tasks bound to it."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.bound: dict[str, Any] = {}
        self._huey: Any = None

    @property
    def huey(self) -> Any:
        """The Huey instance, made on first use: commands that never enqueue (most of
        them) neither open the queue nor create its file."""
        if self._huey is None:
            from huey import RedisHuey, SqliteHuey

            app = self.app
            immediate = bool(app.config.get("JOBS_IMMEDIATE", app.testing))
            url = app.config.get("JOBS_REDIS_URL")
            name = app.config.get("JOBS_QUEUE_NAME", "partycard")  # one Redis, several apps
            if url:
                self._huey = RedisHuey(name, url=url, immediate=immediate)
            else:
                path = app.config.get("JOBS_QUEUE_FILE") or str(
                    Path(app.instance_path) / "jobs-queue.sqlite3")
                if not immediate:  # 0600 before SQLite makes it (its -wal/-shm follow)
                    from core.storage import private_file

                    private_file(Path(path))
                self._huey = SqliteHuey(name, filename=path, immediate=immediate)
        return self._huey

    def bound_task(self, name: str) -> Any:
        """The Huey task for ``name``, bound on first use (features import late)."""
        if name not in self.bound:
            fn = _TASKS[name]
            app = self.app

            def run(job_id: str) -> None:
                with app.app_context():
                    fn(job_id)

            run.__name__ = name
            self.bound[name] = self.huey.task(name=name, retries=0)(run)
        return self.bound[name]

    def bind_all(self) -> None:
        for name in sorted(_TASKS):
            self.bound_task(name)


def queue(app: Flask | None = None) -> Queue:
    return (app or current_app).extensions[EXTENSION]  # type: ignore[no-any-return]


def enqueue(name: str, job_id: str) -> None:
    """Queue task ``name`` for the job (run at once in immediate mode)."""
    queue().bound_task(name)(job_id)


def consumer(app: Flask, workers: int = 2) -> Any:
    """A Huey consumer for the app's queue (threads: the tasks share the app's pools)."""
    from huey.consumer import Consumer

    q = queue(app)
    q.bind_all()
    return Consumer(q.huey, workers=workers, worker_type="thread", periodic=False,
                    check_worker_health=False)


jobs_cli = AppGroup("jobs", help="The background-job worker.")


@jobs_cli.command("worker")
@click.option("--workers", type=int, default=2, show_default=True, help="Worker threads.")
@with_appcontext
def worker_command(workers: int) -> None:
    """Run the job worker until interrupted (``make run`` starts one beside the server)."""
    from flask_babel import gettext

    from core.jobs import fail_interrupted

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    where = app.config.get("JOBS_REDIS_URL") or queue(app).huey.storage.filename
    if not app.config.get("JOBS_REDIS_URL"):
        # The SQLite queue has one worker: a job still "running" was cut off when it
        # stopped, and Huey will not run it again. Say so rather than show it running.
        stale = fail_interrupted(gettext("The worker stopped before this job finished. "
                                         "Start it again."))
        if stale:
            click.echo(f"job worker: {stale} interrupted job(s) marked failed", err=True)
    click.echo(f"job worker: {workers} threads, queue {where}", err=True)
    consumer(app, workers).run()


def init_tasks(app: Flask) -> None:
    """Give the app its queue and the ``jobs`` command."""
    app.extensions[EXTENSION] = Queue(app)
    app.cli.add_command(jobs_cli)
