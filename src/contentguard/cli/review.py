"""``contentguard review``: the review trail from the command line.

    contentguard review --db reviews.db submit post.md --author 王芳
    contentguard review approve S1 --stage 自审 --reviewer 王芳
    contentguard review approve S1 --stage 初审 --reviewer 李雷 --role 运营
    contentguard review reject S1 --stage 复审 --reviewer 韩梅 --role 市场部 --comment "数据需注明来源"
    contentguard review status [S1] | log [S1] | verify | export --format csv | prune --before 2026-01-01
    contentguard review gate post.md          # the pre-publish hook: exit 1 unless approved

The database comes from ``--db`` (or ``$CONTENTGUARD_REVIEW_DB``), else the configuration's
``review.db``, else ``contentguard-review.db`` in the current folder. Exit codes: 0 done (or, for
verify and gate, all is well); 1 verify found tampering or gate found a document not approved;
2 a usage error or a refused decision, told in one message.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import EXIT_FINDINGS, EXIT_OK, CliError, input_options, ruleset_options

if TYPE_CHECKING:
    from ..review import ReviewTrail, Submission

DEFAULT_DB = "contentguard-review.db"


class _Context:
    """Opens the trail on first use, with what the group's options and the configuration say."""

    def __init__(self, db: str | None, config_file: str | None, policy: str | None, key_file: str | None):
        self.db, self.config_file, self.policy, self.key_file = db, config_file, policy, key_file
        self._trail: ReviewTrail | None = None

    def config(self) -> Any:
        from ..config import discover_config, load_config
        from ..errors import ContentGuardError

        try:
            return load_config(self.config_file or discover_config(Path.cwd()))
        except ContentGuardError as exc:
            raise CliError(str(exc)) from None

    def trail(self, guard_factory: Callable[[], Any] | None = None) -> ReviewTrail:
        if self._trail is None:
            from ..review import ReviewError, ReviewTrail

            cfg = self.config()
            settings = cfg.review
            db = self.db or (str(cfg.path(settings.db)) if settings.db and "://" not in settings.db else settings.db)
            policy = self.policy or (str(cfg.path(settings.policy)) if settings.policy else None)
            key_file = self.key_file or (str(cfg.path(settings.key_file)) if settings.key_file else None)
            try:
                self._trail = ReviewTrail(db or DEFAULT_DB, guard=guard_factory() if guard_factory else None,
                                          policy=policy, key=key_file)
            except ReviewError as exc:
                raise CliError(str(exc)) from None
        return self._trail


def _trail(ctx: click.Context, guard_factory: Callable[[], Any] | None = None) -> ReviewTrail:
    return ctx.find_object(_Context).trail(guard_factory)


def _refused(call: Callable[[], Any]) -> Any:
    """Run a trail operation; a refusal is a usage error (exit 2) in one line."""
    from ..review import ReviewError

    try:
        return call()
    except ReviewError as exc:
        raise CliError(str(exc)) from None


@click.group("review")
@click.option("--db", envvar="CONTENTGUARD_REVIEW_DB", metavar="URL",
              help="The review database: a SQLite file or postgresql+psycopg://user@host/db "
                   "(default: configuration review.db, else contentguard-review.db).")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False), metavar="FILE",
              help="contentguard.yaml or pyproject.toml (found from the current folder upwards when not given).")
@click.option("--policy", type=click.Path(exists=True, dir_okay=False), metavar="FILE",
              help="An approval policy replacing rules/review_policy.yaml.")
@click.option("--key-file", type=click.Path(exists=True, dir_okay=False), metavar="FILE",
              help="The HMAC key that signs sign-offs (or $CONTENTGUARD_REVIEW_KEY).")
@click.pass_context
def command(ctx: click.Context, db: str | None, config_file: str | None, policy: str | None,
            key_file: str | None) -> None:
    """Review before publishing: 自审 → 初审 → 复审 → 终审, kept as tamper-evident records."""
    ctx.obj = _Context(db, config_file, policy, key_file)
    ctx.call_on_close(lambda: ctx.obj._trail.close() if ctx.obj._trail is not None else None)


# ---- submit ---------------------------------------------------------------------------------------

@command.command()
@input_options
@ruleset_options
@click.option("--author", required=True, help="The writer: 自审 is theirs, and feedback goes back to them.")
@click.option("--id", "submission_id", default=None, metavar="ID",
              help="The submission to add a revision to (default: found by the document's id, else a new one).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def submit(ctx: click.Context, paths: tuple[str, ...], packs, rules_dir, config_file, author: str,
           submission_id: str | None, output_format: str, **kwargs: Any) -> None:
    """Check documents and submit them for review; prints each submission's id, stages and findings."""
    from ..inputs import Unit, read_items
    from . import _input_options, load_guard

    options = _input_options(kwargs)
    trail = _trail(ctx, lambda: load_guard(packs, rules_dir, config_file or ctx.obj.config_file))
    skipped = 0
    for item in read_items(list(paths), options):
        if not isinstance(item, Unit):
            click.echo(f"contentguard: skipped {item.where}: {item.reason}", err=True)
            skipped += 1
            continue
        submission = _refused(lambda item=item: trail.submit(item.document, author=author,
                                                             submission_id=submission_id))
        if output_format == "json":
            click.echo(submission.model_dump_json())
        else:
            _print_submission(submission, item.where)
    if skipped:
        raise CliError(f"{skipped} input(s) could not be read and were not submitted")


def _print_submission(sub: Submission, where: str | None = None) -> None:
    head = f"{sub.id}  {where or sub.document_id or ''}".rstrip()
    click.echo(f"{head}  revision {sub.revision}  risk {sub.risk_level}  {sub.state}")
    click.echo(f"  stages: {' → '.join(_stage_text(s) for s in sub.stages)}")
    if sub.feedback:
        click.echo(f"  feedback to {sub.author}: {sub.feedback}")
    for reason in sub.voided:
        click.echo(f"  voided: {reason}")
    for f in sub.findings:
        click.echo(f"  {f['field']}:{f['start']}-{f['end']}  {f['rule_id']}  「{f['text']}」  {f['message']}")


def _stage_text(stage: Any) -> str:
    if stage.state == "waiting":
        return f"{stage.stage}(待审)"
    mark = {"approved": "✓", "rejected": "✗ 退回", "changes-requested": "✗ 修改"}[stage.state]
    return f"{stage.stage}{mark} {stage.reviewer}"


# ---- decisions ------------------------------------------------------------------------------------

def _decision_command(name: str, decision: str, help_text: str) -> None:
    @command.command(name, help=help_text)
    @click.argument("submission_id", metavar="ID")
    @click.option("--stage", required=True, help="The stage signed (自审, 初审, 复审, 终审 in the shipped policy).")
    @click.option("--reviewer", required=True, help="Who signs (签字确认).")
    @click.option("--role", default=None, help="The reviewer's role; the policy says which roles sign each stage.")
    @click.option("--comment", default="", help="Why; required to reject or request changes (goes to the writer).")
    @click.pass_context
    def decide(ctx: click.Context, submission_id: str, stage: str, reviewer: str, role: str | None,
               comment: str) -> None:
        trail = _trail(ctx)
        sub = _refused(lambda: trail.decide(submission_id, stage, reviewer, decision, comment, role))
        _print_submission(sub)


_decision_command("approve", "approve", "Approve a stage of a submission's current revision.")
_decision_command("reject", "reject", "Reject a submission's current revision (the comment goes back to the writer).")
_decision_command("request-changes", "request-changes",
                  "Send a submission's current revision back for changes (the comment goes to the writer).")


# ---- reading ------------------------------------------------------------------------------------

@command.command()
@click.argument("submission_id", metavar="[ID]", required=False)
@click.option("--state", type=click.Choice(["pending", "approved", "rejected", "changes-requested"]), default=None)
@click.option("--stage", default=None, help="Only submissions waiting for this stage (the queue).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def status(ctx: click.Context, submission_id: str | None, state: str | None, stage: str | None,
           output_format: str) -> None:
    """Where one submission stands, or a list of them."""
    trail = _trail(ctx)
    if submission_id is not None:
        sub = _refused(lambda: trail.status(submission_id))
        if output_format == "json":
            click.echo(sub.model_dump_json())
        else:
            _print_submission(sub)
        return
    rows = _refused(lambda: trail.queue(stage) if stage else trail.submissions(state=state))
    for row in rows:
        if output_format == "json":
            click.echo(json.dumps(row.__dict__, ensure_ascii=False))
        else:
            waiting = f"  next {row.next_stage}" if row.next_stage else ""
            click.echo(f"{row.id}  {row.state}  revision {row.revision}  {row.author}  "
                       f"{row.document_id or ''}{waiting}")


@command.command()
@click.argument("submission_id", metavar="[ID]", required=False)
@click.option("--format", "output_format", type=click.Choice(["text", "jsonl"]), default="text", show_default=True)
@click.pass_context
def log(ctx: click.Context, submission_id: str | None, output_format: str) -> None:
    """The records, oldest first (of one submission, when given)."""
    trail = _trail(ctx)
    for record in trail.log(submission_id):
        if output_format == "jsonl":
            click.echo(record.model_dump_json())
            continue
        p = record.payload
        if record.kind == "check":
            what = (f"check revision {p['revision']} by {p['author']}: risk {p['risk_level']}, needs "
                    f"{'、'.join(p['required_stages'])}, {len(p['report'].get('findings', []))} finding(s)")
        elif record.kind == "decision":
            signed = " (signed)" if p.get("signature") else ""
            comment = f": {p['comment']}" if p.get("comment") else ""
            what = f"{p['decision']} {p['stage']} by {p['reviewer']} ({p.get('role')}){signed}{comment}"
        elif record.kind == "void":
            what = f"void: {p['reason']}"
        else:
            what = f"prune: {p['count']} record(s) before {p['before']} removed; chain anchored at {p['last_hash']}"
        click.echo(f"{record.seq:>6}  {record.created_at.isoformat(timespec='seconds')}  "
                   f"{record.submission_id}  {what}")


@command.command()
@click.pass_context
def verify(ctx: click.Context) -> None:
    """Check the whole chain: exit 0 intact, 1 something was edited, deleted or reordered."""
    trail = _trail(ctx)
    result = trail.verify()
    for problem in result.problems:
        click.echo(f"TAMPERED: {problem}")
    signatures = f", {result.signatures_checked} signature(s) checked" if result.signatures_checked else ""
    if result.signatures_unchecked:
        signatures += f", {result.signatures_unchecked} not checked (no key)"
    verdict = "ok" if result.ok else f"{len(result.problems)} problem(s)"
    click.echo(f"{verdict}: {result.records} record(s){signatures}; head {result.head_seq} {result.head_hash}")
    ctx.exit(EXIT_OK if result.ok else EXIT_FINDINGS)


@command.command()
@click.option("--format", "output_format", type=click.Choice(["csv", "jsonl"]), default="jsonl", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write here instead of stdout.")
@click.argument("submission_id", metavar="[ID]", required=False)
@click.pass_context
def export(ctx: click.Context, output_format: str, output: str | None, submission_id: str | None) -> None:
    """Write every record (or one submission's) as CSV or JSON Lines."""
    trail = _trail(ctx)
    if output is None:
        count = trail.export(sys.stdout, output_format, submission_id)
    else:
        with open(output, "w", encoding="utf-8", newline="") as out:
            count = trail.export(out, output_format, submission_id)
    click.echo(f"exported {count} record(s)", err=True)


@command.command()
@click.option("--before", required=True, metavar="DATE", help="Remove the records made before this date or time.")
@click.pass_context
def prune(ctx: click.Context, before: str) -> None:
    """Remove old records (the company sets the retention period); a prune record anchors the chain."""
    from ..review import parse_time

    trail = _trail(ctx)
    result = _refused(lambda: trail.prune(parse_time(before)))
    if result is None:
        click.echo(f"nothing before {before}")
    else:
        click.echo(f"pruned {result.count} record(s) ({result.first_seq}-{result.last_seq}); the chain now starts "
                   f"after {result.last_hash}")


@command.command()
@input_options
@ruleset_options
@click.option("--sentiment", type=click.Choice(["all", "comments", "off"]), default=None,
              help="Which documents get a sentiment score in the report (default: the configuration's).")
@click.pass_context
def gate(ctx: click.Context, paths: tuple[str, ...], packs, rules_dir, config_file, sentiment: str | None,
         **kwargs: Any) -> None:
    """The pre-publish hook: exit 1 unless every document's current content carries its approvals."""
    from ..gate import gate as publish_gate
    from ..inputs import Unit, read_items
    from ..review import NotApproved
    from . import _input_options, load_guard

    options = _input_options(kwargs)
    guard = load_guard(packs, rules_dir, config_file or ctx.obj.config_file, sentiment=sentiment)
    trail = _trail(ctx, lambda: guard)
    refused = 0
    for item in read_items(list(paths), options):
        if not isinstance(item, Unit):
            click.echo(f"{item.where}: not checked: {item.reason}")
            refused += 1
            continue
        try:
            publish_gate(item.document, guard=guard, store=trail, require_approval=True)
        except NotApproved as blocked:
            click.echo(f"{item.where}: {blocked.reason}")
            refused += 1
        else:
            click.echo(f"{item.where}: approved")
    ctx.exit(EXIT_FINDINGS if refused else EXIT_OK)
