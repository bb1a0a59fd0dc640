from pegboard import App
from pegboard_openapi import openapi
from pegboard_validation import validation

# As objects: call each plugin's factory (it takes the plugin's options).
app = App(plugins=[validation(), openapi()])


@app.get("/items")
async def items(limit: int = 10) -> dict[str, int]:
    return {"limit": limit}  # a query parameter: the validation plugin reads it


# By name: the names installed plugins register in the "pegboard.plugins" group.
same = App(plugins=["validation", "openapi"])
