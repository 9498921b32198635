// Each table cell gets its column's header as data-label, which book.css shows before the cell on
// a phone, where a table's rows are laid out as cards.
document.addEventListener("DOMContentLoaded", () => {
  for (const table of document.querySelectorAll("article table")) {
    const rows = table.tHead ? [...table.tHead.rows] : [];
    if (!rows.length) continue;
    const names = [...rows[rows.length - 1].cells].map((c) => c.textContent.trim());
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        [...row.cells].forEach((cell, i) => {
          if (cell.tagName === "TD" && names[i]) cell.dataset.label = names[i];
        });
      }
    }
  }
});
