import dataclasses
import datetime
import uuid
from decimal import Decimal

from pegboard import jsonable_encoder


@dataclasses.dataclass
class Invoice:
    id: uuid.UUID
    issued: datetime.datetime
    total: Decimal
    tags: set[str]
    note: str | None = None


invoice = Invoice(
    id=uuid.UUID("12345678-1234-5678-1234-567812345678"),
    issued=datetime.datetime(2030, 1, 31, 9, 30),
    total=Decimal("19.90"),
    tags={"paid"},
)

data = jsonable_encoder(invoice, exclude_none=True)
# {'id': '12345678-1234-5678-1234-567812345678', 'issued': '2030-01-31T09:30:00',
#  'total': 19.9, 'tags': ['paid']}
