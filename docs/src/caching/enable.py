from pegboard import App, HTTPException, Request
from pegboard_caching import Cache, CachePolicy, caching

app = App(plugins=[caching()])

ITEMS = {"1": "hammer", "2": "saw"}  # stands in for a database


@app.get("/items", cache=60)
async def list_items() -> dict[str, str]:
    # Runs at most once a minute per query string; the cache answers the rest.
    return ITEMS


@app.get("/items/{item_id}", cache=CachePolicy(ttl=300, tags=["items"]))
async def read_item(item_id: str) -> dict[str, str]:
    if item_id not in ITEMS:
        raise HTTPException(404, "No such item")  # 404s are cached too
    return {"id": item_id, "name": ITEMS[item_id]}


@app.put("/items/{item_id}")
async def rename_item(item_id: str, request: Request, cache: Cache) -> dict[str, str]:
    ITEMS[item_id] = (await request.json())["name"]
    # Drop what is stored for this item, and the list (with every query string).
    await cache.invalidate(path=f"/items/{item_id}")
    await cache.invalidate(path="/items")
    return {"id": item_id, "name": ITEMS[item_id]}


@app.post("/items/reload")
async def reload_items(cache: Cache) -> dict[str, int]:
    # Every entry of every route tagged "items".
    return {"dropped": await cache.invalidate(tag="items")}
