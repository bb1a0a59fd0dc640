from pydantic import BaseModel

from pegboard import App
from pegboard_openapi import DocumentedRouter, openapi
from pegboard_validation import validation


class Invoice(BaseModel):
    id: str
    total: float


class InvoicePaid(BaseModel):
    description: str
    paid: bool


class Received(BaseModel):
    ok: bool


# Requests the app sends: documented, never served.
webhooks = DocumentedRouter(tags=["events"])
invoice_callbacks = DocumentedRouter()

app = App(plugins=[validation(), openapi(title="Billing", webhooks=webhooks)])


@webhooks.post("new-subscription")
def new_subscription(body: Invoice) -> None:
    """Sent to the URL registered for `new-subscription` in the dashboard."""


@invoice_callbacks.post(
    "{$request.query.callback_url}/invoices/{$request.body#/id}", response_model=Received
)
def invoice_paid(body: InvoicePaid) -> None:
    """Sent to `callback_url` once the invoice is paid."""


@app.post("/invoices/", callbacks=invoice_callbacks)
def create_invoice(invoice: Invoice, callback_url: str | None = None) -> dict[str, str]:
    return {"msg": "Invoice received"}
