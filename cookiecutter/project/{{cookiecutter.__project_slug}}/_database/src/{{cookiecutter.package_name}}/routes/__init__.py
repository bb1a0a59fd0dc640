"""The app's routes: one router per module, collected into the one the app includes."""

from pegboard import Router

from {{ cookiecutter.package_name }}.routes import auth, health, items, ready

router = Router()
router.include_router(health.router)
router.include_router(ready.router)
router.include_router(auth.router)
router.include_router(items.router)
