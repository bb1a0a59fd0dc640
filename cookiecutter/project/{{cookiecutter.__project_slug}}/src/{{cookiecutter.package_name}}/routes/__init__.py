"""The app's routes: one router per module, collected into the one the app includes."""

from pegboard import Router

from {{ cookiecutter.package_name }}.routes import health, items

router = Router()
router.include_router(health.router)
router.include_router(items.router)
