// Keyboard shortcuts of the notebook editor, without JS interop: they press the same buttons a mouse would.
//   Shift+Enter inside a cell -> that cell's "Run cell" button
//   Ctrl+S / Cmd+S            -> the "Save" button (instead of the browser's "save page")
document.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey) {
        const cell = e.target instanceof Element ? e.target.closest("[data-cell]") : null;
        const run = cell && cell.querySelector('button[aria-label="Run cell"]');
        if (run) {
            e.preventDefault();
            // let a pending input/change event of the focused field reach the server first
            if (e.target instanceof HTMLElement) e.target.dispatchEvent(new Event("change", { bubbles: true }));
            if (!run.disabled) setTimeout(() => run.click(), 0);
        }
        return;
    }
    if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === "s") {
        const save = document.querySelector('.notebook-editor button[aria-label="Save"]');
        if (save) {
            e.preventDefault();
            if (e.target instanceof HTMLElement) e.target.dispatchEvent(new Event("change", { bubbles: true }));
            setTimeout(() => save.click(), 0);
        }
    }
});
