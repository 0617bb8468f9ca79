// Keyboard shortcuts of the notebook editor (Jupyter's habits), without JS interop: they press the same buttons a mouse
// would, so every shortcut does exactly what its button does. The list the "?" dialog shows is
// Components/Layout/KeyboardShortcuts.cs; keep the two in step.
//   Ctrl/Cmd+Enter or Shift+Enter in a cell -> that cell's "Run cell"
//   Alt+Enter in a cell                     -> "Run cell", then "Insert cell below" (focus moves into the new cell)
//   Esc in a running cell                   -> that cell's "Cancel"
//   Alt+V in a cell                         -> that cell's "Add variant"
//   Alt+B in a cell                         -> that cell's "Insert cell below" (outside a cell: "Add cell")
//   Ctrl/Cmd+S                              -> "Save" (instead of the browser's "save page")
//   ?  outside a text field                 -> "Keyboard shortcuts" (the help dialog)
(() => {
    const cellOf = (target) => target instanceof Element ? target.closest("[data-cell]") : null;
    const button = (root, label) => root && root.querySelector(`button[aria-label="${label}"]`);
    const isTextField = (t) => t instanceof HTMLElement && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));

    // let a pending input/change event of the focused field reach the server before the button's click
    const flush = (target) => { if (target instanceof HTMLElement) target.dispatchEvent(new Event("change", { bubbles: true })); };

    function press(e, btn) {
        if (!btn) return false;
        e.preventDefault();
        flush(e.target);
        if (!btn.disabled) setTimeout(() => btn.click(), 0);
        return true;
    }

    // after "Insert cell below", put the caret in the new cell's first field once the server has rendered it
    function focusCellAfter(index) {
        const until = Date.now() + 2000;
        const tick = () => {
            const next = document.querySelector(`[data-cell="${index + 1}"]`);
            const field = next && (next.querySelector("textarea") ?? next.querySelector("input[type=text]"));   // the prompt's text, else the first field
            if (field) field.focus();
            else if (Date.now() < until) setTimeout(tick, 50);
        };
        setTimeout(tick, 50);
    }

    document.addEventListener("keydown", (e) => {
        const cell = cellOf(e.target);
        const ctrl = e.ctrlKey || e.metaKey;

        if (e.key === "Enter" && cell) {
            if ((e.shiftKey && !ctrl && !e.altKey) || (ctrl && !e.shiftKey && !e.altKey)) {
                press(e, button(cell, "Run cell"));
                return;
            }
            if (e.altKey && !ctrl && !e.shiftKey) {
                const run = button(cell, "Run cell");
                const insert = button(cell, "Insert cell below");
                if (!insert) return;
                e.preventDefault();
                flush(e.target);
                const index = Number(cell.getAttribute("data-cell"));
                setTimeout(() => {
                    if (run && !run.disabled) run.click();
                    insert.click();
                    focusCellAfter(index);
                }, 0);
                return;
            }
        }

        if (e.key === "Escape" && cell && !ctrl && !e.altKey && !e.shiftKey) {
            const cancel = button(cell, "Cancel");
            if (cancel && !cancel.disabled) press(e, cancel);     // otherwise Esc keeps its usual meaning (close a list, a dialog)
            return;
        }

        if (e.altKey && !ctrl && !e.shiftKey && (e.code === "KeyV" || e.code === "KeyB")) {
            if (e.code === "KeyV" && cell) { press(e, button(cell, "Add variant")); return; }
            if (e.code === "KeyB") {
                if (cell) {
                    const index = Number(cell.getAttribute("data-cell"));
                    if (press(e, button(cell, "Insert cell below"))) focusCellAfter(index);
                } else {
                    press(e, button(document.querySelector(".notebook-editor"), "Add cell"));
                }
            }
            return;
        }

        if (ctrl && !e.altKey && !e.shiftKey && e.key.toLowerCase() === "s") {
            press(e, button(document.querySelector(".notebook-editor"), "Save"));
            return;
        }

        if (e.key === "?" && !ctrl && !e.altKey && !isTextField(e.target)) {
            press(e, button(document, "Keyboard shortcuts"));
        }
    });
})();
