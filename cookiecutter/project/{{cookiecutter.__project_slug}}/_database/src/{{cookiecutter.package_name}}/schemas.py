"""What the API reads and returns, as pydantic models the validation plugin checks."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

#: Text stored in the database: no control characters (PostgreSQL refuses NUL bytes).
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")]
Price = Annotated[float, Field(gt=0, le=1_000_000_000, allow_inf_nan=False)]


class UserCreate(BaseModel):
    """A registration."""

    email: EmailStr
    password: str = Field(min_length=8, max_length=128)


class UserOut(BaseModel):
    """A user as the API shows it: never the password hash."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str


class Token(BaseModel):
    """An OAuth2 access token response."""

    access_token: str
    token_type: str = "bearer"


class ItemIn(BaseModel):
    """An item as a client creates it."""

    name: Name
    price: Price


class ItemUpdate(BaseModel):
    """A partial update: the fields sent are changed, the others kept."""

    name: Name | None = None
    price: Price | None = None

    @field_validator("name", "price")
    @classmethod
    def not_null(cls, value: object) -> object:
        # Leaving a field out keeps it; sending null would blank a required column.
        if value is None:
            raise ValueError("may be left out, but not null")
        return value


class ItemOut(BaseModel):
    """An item as stored and returned."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    price: float
    created_at: datetime


class ItemPage(BaseModel):
    """One page of a list, with what is needed to ask for the next."""

    items: list[ItemOut]
    total: int
    limit: int
    offset: int
