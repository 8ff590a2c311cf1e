// Small progressive enhancements; every page works without them.

// Close the user menu when clicking elsewhere or pressing Escape.
document.addEventListener("click", (event) => {
  for (const menu of document.querySelectorAll("details.user-menu[open]")) {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const menu of document.querySelectorAll("details.user-menu[open]")) {
    menu.removeAttribute("open");
    menu.querySelector("summary")?.focus();
  }
});

// A "Copy" button copies the text of the element its data-copy names, and says so.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  if (!source) return;
  try {
    await navigator.clipboard.writeText(source.textContent.trim());
    button.textContent = "Copied";
  } catch {
    window.getSelection()?.selectAllChildren(source);
    button.textContent = "Selected: press Ctrl+C";
  }
});

// A wide table scrolls inside its .table-scroll box; when it does, the box can take the keyboard
// focus (arrow keys scroll it) and is named after its table for a screen reader.
function tableName(box) {
  const caption = box.querySelector("caption");
  if (caption) return caption.textContent.trim();
  const heading = box.closest("section, main")?.querySelector("h2, h1");
  return heading ? heading.textContent.trim() : "Table";
}
function markScrollingTables() {
  for (const box of document.querySelectorAll(".table-scroll")) {
    if (box.scrollWidth > box.clientWidth + 1) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", `${tableName(box)} (scrolls sideways)`);
    } else if (box.getAttribute("role") === "region") {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  }
}
markScrollingTables();
let tablesResizing = null;
window.addEventListener("resize", () => {
  clearTimeout(tablesResizing);
  tablesResizing = setTimeout(markScrollingTables, 150);
});
document.addEventListener("htmx:afterSettle", markScrollingTables);
