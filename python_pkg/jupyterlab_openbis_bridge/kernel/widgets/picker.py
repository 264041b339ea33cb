"""Data-set picker: search, a paged table with check boxes, ``value`` = selected permIds."""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as widgets
import traitlets

from ..client import BridgeAPIError, BridgeClient, BridgeUnavailable, get_client

COLUMNS = ("permId", "type", "name", "registrationDate", "size")
HEADERS = ("", "permId", "Type", "Name", "Registered", "Size")
GRID = "2.2em minmax(12em, auto) minmax(8em, auto) 1fr minmax(8em, auto) minmax(5em, auto)"


def human_size(size: Any) -> str:
    if not isinstance(size, (int, float)):
        return ""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


def cell_text(item: dict[str, Any], column: str) -> str:
    value = item.get(column)
    if column == "size":
        return human_size(value)
    if column == "registrationDate" and isinstance(value, str):
        return value[:10]
    return "" if value is None else str(value)


class DataSetPicker(widgets.VBox):
    """Search openBIS data sets and tick the ones you want; ``value`` holds their permIds.

    ``value`` keeps selections across pages and searches. Drive it from code with
    ``search("text")``, ``next_page()``, ``previous_page()`` and ``value = (...)``.
    """

    value = traitlets.Tuple(help="selected data-set permIds").tag(sync=False)
    rows = traitlets.List(help="data sets on the current page").tag(sync=False)
    total = traitlets.Int(0).tag(sync=False)
    offset = traitlets.Int(0).tag(sync=False)

    def __init__(
        self,
        query: str = "",
        *,
        connection: str | None = None,
        page_size: int = 20,
        client: BridgeClient | None = None,
        **kwargs: Any,
    ) -> None:
        self._client = client
        self._connection = connection
        self.page_size = max(1, min(page_size, 500))
        self.query = widgets.Text(
            value=query,
            placeholder="code, name, permId or /SPACE/PROJECT/EXPERIMENT",
            layout=widgets.Layout(flex="1"),
        )
        self.search_button = widgets.Button(description="Search", icon="search")
        self.status = widgets.HTML()
        self.table = widgets.GridBox(layout=widgets.Layout(grid_template_columns=GRID))
        self.previous_button = widgets.Button(description="Previous", icon="arrow-left")
        self.next_button = widgets.Button(description="Next", icon="arrow-right")
        self.page_label = widgets.Label()
        self._boxes: dict[str, widgets.Checkbox] = {}
        self.search_button.on_click(lambda _: self.search())
        self.query.on_submit(lambda _: self.search())
        self.previous_button.on_click(lambda _: self.previous_page())
        self.next_button.on_click(lambda _: self.next_page())
        super().__init__(
            children=[
                widgets.HBox([self.query, self.search_button]),
                self.status,
                self.table,
                widgets.HBox([self.previous_button, self.page_label, self.next_button]),
            ],
            **kwargs,
        )
        self.observe(self._sync_boxes, names="value")
        self._render()
        if query:
            self.search()

    @property
    def client(self) -> BridgeClient:
        if self._client is None:
            self._client = get_client()
        return self._client

    @property
    def connection(self) -> str:
        if self._connection is None:
            self._connection = self.client.resolve_connection(None)
        return self._connection

    # --- actions -------------------------------------------------------------------------

    def search(self, query: str | None = None, offset: int = 0) -> bool:
        """Run a search (the text box's, unless given); False and a message if it failed."""
        if query is not None:
            self.query.value = query
        text = self.query.value.strip()
        if not text:
            self._message("Type something to search for.")
            return False
        self._message("Searching…")
        try:
            page = self.client.search_datasets(self.connection, text, offset, self.page_size)
        except (BridgeAPIError, BridgeUnavailable) as exc:
            self._message(str(exc), error=True)
            return False
        self.rows = list(page.get("items", []))
        self.total = int(page.get("totalCount", len(self.rows)))
        self.offset = offset
        self._message("" if self.rows else "No data sets found.")
        self._render()
        return True

    def next_page(self) -> bool:
        if self.offset + self.page_size >= self.total:
            return False
        return self.search(offset=self.offset + self.page_size)

    def previous_page(self) -> bool:
        if self.offset == 0:
            return False
        return self.search(offset=max(0, self.offset - self.page_size))

    # --- rendering -----------------------------------------------------------------------

    def _message(self, text: str, *, error: bool = False) -> None:
        style = "color: var(--jp-error-color1, #d32f2f)" if error else ""
        self.status.value = f'<span style="{style}">{escape(text)}</span>' if text else ""

    def _render(self) -> None:
        cells: list[widgets.Widget] = [widgets.HTML(f"<b>{escape(h)}</b>") for h in HEADERS]
        self._boxes = {}
        selected = set(self.value)
        for item in self.rows:
            perm = str(item.get("permId"))
            box = widgets.Checkbox(
                value=perm in selected, indent=False, layout=widgets.Layout(width="auto")
            )
            box.observe(lambda change, perm=perm: self._toggle(perm, change["new"]), "value")
            self._boxes[perm] = box
            cells.append(box)
            cells.extend(widgets.Label(cell_text(item, column)) for column in COLUMNS)
        self.table.children = cells
        last = min(self.offset + len(self.rows), self.total)
        self.page_label.value = (
            f"{self.offset + 1}–{last} of {self.total}" if self.rows else "no results"
        )
        self.previous_button.disabled = self.offset == 0
        self.next_button.disabled = self.offset + self.page_size >= self.total

    def _toggle(self, perm: str, checked: bool) -> None:
        current = list(self.value)
        if checked and perm not in current:
            self.value = (*current, perm)
        elif not checked and perm in current:
            self.value = tuple(p for p in current if p != perm)

    def _sync_boxes(self, change: dict[str, Any]) -> None:
        selected = set(change["new"])
        for perm, box in self._boxes.items():
            if box.value != (perm in selected):
                box.value = perm in selected
