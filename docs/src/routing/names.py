from pegboard import App, Request

app = App()


@app.get("/users/{user_id:int}/posts/{slug}", name="post")
async def post(request: Request, user_id: int, slug: str) -> dict[str, str]:
    return {"self": str(request.url_for("post", user_id=user_id, slug=slug))}


assert app.url_path_for("post", user_id=3, slug="hello") == "/users/3/posts/hello"
