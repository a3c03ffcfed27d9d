"""Base models for HTTP bodies: camelCase on the wire (the seed's names), snake_case in code."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class ApiModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


T = TypeVar("T")


class Page(ApiModel, Generic[T]):
    items: list[T]
    page: int = Field(ge=1)
    size: int = Field(ge=1)
    total: int = Field(ge=0)
