"""The input: one post or comment."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Kind = Literal["post", "comment"]
Field = Literal["title", "body"]


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

    def fields(self) -> list[tuple[Field, str]]:
        """The fields to check, in report order."""
        pairs: list[tuple[Field, str]] = []
        if self.title:
            pairs.append(("title", self.title))
        pairs.append(("body", self.body))
        return pairs

    def scope_of(self, field: Field) -> str:
        """The rule scope a field belongs to: a comment's body is scope "comment"."""
        if field == "title":
            return "title"
        return "comment" if self.kind == "comment" else "body"
