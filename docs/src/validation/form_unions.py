from typing import Annotated, Literal

from pydantic import BaseModel

from pegboard import App
from pegboard_validation import Form, validation

app = App(plugins=[validation()])


class Person(BaseModel):
    kind: Literal["person"]
    name: str


class Company(BaseModel):
    kind: Literal["company"]
    company_name: str


class Preferences(BaseModel):
    tags: list[str] = []


@app.post("/contacts")
async def create_contact(
    # The "kind" field picks the model; each model reads its own fields.
    contact: Annotated[Person | Company, Form(discriminator="kind")],
    preferences: Annotated[Preferences, Form()],
    token: Annotated[str, Form()],
) -> dict[str, object]:
    return {"contact": contact, "preferences": preferences, "token": token}
