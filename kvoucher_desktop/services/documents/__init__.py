"""Documents for filing (SPEC §11), rendered with ReportLab: pure functions of a `PaperData`
(services/dto.py), no Qt and no database — a service gathers the data, the view previews,
saves or prints the bytes. Same data, same bytes.

- `render_slip(data)` 전표, `render_statement(data)` 거래명세서, `render_cancellation_slip(data)`
  취소전표: one A4 page each.
- `render_batch(items, *, progress=None, cancelled=None, heading="")`: index pages, then one page
  per item; None when cancelled.
"""

from .batch import ROWS_PER_INDEX_PAGE, index_page_count, page_count, render_batch
from .fonts import register_fonts
from .papers import TITLES, render_cancellation_slip, render_slip, render_statement

__all__ = ["ROWS_PER_INDEX_PAGE", "TITLES", "index_page_count", "page_count", "register_fonts", "render_batch",
           "render_cancellation_slip", "render_slip", "render_statement"]
