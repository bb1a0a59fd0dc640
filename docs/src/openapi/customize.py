from typing import Any

from pegboard import App, PluginInfo, hookimpl
from pegboard.descriptions import Schema
from pegboard_openapi import openapi


class Money:
    """A type of the app's own that knows its JSON Schema."""

    @classmethod
    def __json_schema__(cls) -> dict[str, Any]:
        return {"type": "string", "pattern": r"^\d+\.\d{2} [A-Z]{3}$", "examples": ["9.50 EUR"]}


class ShopDocs:
    """The app's own plugin: a logo on the document, and schemas for its own types."""

    plugin_info = PluginInfo(name="shop-docs")

    @hookimpl(optionalhook=True)
    def pegboard_openapi_document(self, document: dict[str, Any]) -> None:
        document["info"]["x-logo"] = {"url": "https://shop.example.com/logo.png"}

    @hookimpl(optionalhook=True)
    def pegboard_openapi_model_schema(self, model: Any) -> Schema | None:
        describe = getattr(model, "__json_schema__", None)
        if describe is None:
            return None  # not ours: let another plugin answer
        name = model.__name__
        return Schema.of({"$ref": f"#/components/schemas/{name}"}, {name: describe()})


app = App(plugins=[ShopDocs(), openapi(title="Shop", version="1.0")])


@app.get("/balance", responses={402: {"description": "Pay the balance first", "model": Money}})
async def balance() -> dict[str, str]:
    return {"balance": "0.00 EUR"}
