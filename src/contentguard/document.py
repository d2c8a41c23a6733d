"""The input: one post or comment."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

# What a document is. The company speaks in posts, its account's replies and its staff's posts;
# the public speaks in comments, reviews and mentions (posts by others that name the company);
# a media outlet speaks in its own news reports and news titles ("news").
Kind = Literal["post", "reply", "staff_post", "comment", "review", "mention", "news"]
Field = Literal["title", "body"]
# Who speaks: the Advertising Law and the policy bind the company's voice; the public's voice is
# moderated and watched for public opinion; the press (a media outlet's own reporting) is no advertiser:
# it answers for its titles, its sources and what it publishes, not to the Advertising Law.
Voice = Literal["company", "public", "press"]
PUBLIC_KINDS: frozenset[str] = frozenset({"comment", "review", "mention"})
PRESS_KINDS: frozenset[str] = frozenset({"news"})


class Document(BaseModel):
    """A post (title and body) or a comment (body) to check.

    ``platform`` names where it is published (wechat, weibo, douyin, toutiao, kuaishou,
    xiaohongshu, zhihu, website …); configuration may weigh platforms differently.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str | None = None
    title: str | None = None
    body: str = ""
    kind: Kind = "post"
    platform: str | None = None
    # None: the voice follows from ``kind`` (see ``speaker``); set it to override, e.g. a repost.
    voice: Voice | None = None
    # For the public-opinion watch: when it was said, by whom, and the post a comment belongs to.
    created_at: datetime | None = None
    author: str | None = None
    thread: str | None = None

    @property
    def speaker(self) -> Voice:
        """The voice this document speaks in: given, or the kind's default."""
        if self.voice is not None:
            return self.voice
        if self.kind in PUBLIC_KINDS:
            return "public"
        return "press" if self.kind in PRESS_KINDS else "company"

    def fields(self) -> list[tuple[Field, str]]:
        """The fields to check, in report order."""
        pairs: list[tuple[Field, str]] = []
        if self.title:
            pairs.append(("title", self.title))
        pairs.append(("body", self.body))
        return pairs

    def scope_of(self, field: Field) -> str:
        """The rule scope a field belongs to: the body of anything the public wrote is scope "comment"."""
        if field == "title":
            return "title"
        return "comment" if self.speaker == "public" else "body"
