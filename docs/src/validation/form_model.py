from typing import Annotated

from pydantic import BaseModel, Field

from pegboard import App
from pegboard_validation import Form, validation

app = App(plugins=[validation()])


class SignUp(BaseModel):
    model_config = {"extra": "forbid"}

    email: str
    password: str = Field(min_length=8)
    newsletter: bool = False


@app.post("/signup")
async def signup(data: Annotated[SignUp, Form()]) -> dict[str, object]:
    return {"email": data.email, "newsletter": data.newsletter}
