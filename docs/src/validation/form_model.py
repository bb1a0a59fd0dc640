from typing import Annotated

from pydantic import BaseModel, Field

from pegboard import App
from pegboard_validation import Form, UploadFile, validation

app = App(plugins=[validation()])


class SignUp(BaseModel):
    model_config = {"extra": "forbid"}

    email: str
    password: str = Field(min_length=8)
    newsletter: bool = False


@app.post("/signup")
async def signup(data: Annotated[SignUp, Form()]) -> dict[str, object]:
    return {"email": data.email, "newsletter": data.newsletter}


class Profile(BaseModel):
    name: str
    age: int


@app.post("/profiles")
async def create_profile(
    profile: Annotated[Profile, Form()],
    avatar: UploadFile,  # other form fields and files sit beside the model
    token: Annotated[str | None, Form()] = None,
) -> dict[str, object]:
    return {"profile": profile, "avatar": avatar.filename, "token": token}
