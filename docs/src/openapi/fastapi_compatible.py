# A document byte for byte as FastAPI would write it, for an app moved from FastAPI.
from pegboard import App
from pegboard_di import Depends, di
from pegboard_openapi import openapi
from pegboard_security import OAuth2PasswordBearer, security
from pegboard_validation import UploadFile, validation

oauth2 = OAuth2PasswordBearer(tokenUrl="token")
app = App(plugins=[validation(), di(), security(), openapi(title="Shop", fastapi_compatible=True)])


@app.get("/users/{user_id}")
def read_user(user_id, token: str = Depends(oauth2)) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"user_id": user_id}


@app.post("/files")
def upload(file: UploadFile) -> dict[str, str | None]:
    return {"name": file.filename}
