// Light cells of the notebook editor (NotebookEditor.razor.cs): a long notebook draws most of its cells as light,
// read-only views (section[data-light]). This asks the server to draw in full those that come within a screen of the
// viewport, and a light cell that is clicked or focused (then puts the caret in its first text area once it is there).
window.gptPlayground = window.gptPlayground || {};
window.gptPlayground.lightCells = (() => {
    const watched = new WeakSet();

    function watch(editor, dotnet) {
        if (!(editor instanceof HTMLElement) || watched.has(editor)) return;
        watched.add(editor);
        const pending = new Set();
        let scheduled = false;

        const flush = () => {
            scheduled = false;
            if (pending.size === 0) return;
            const indexes = [...pending];
            pending.clear();
            dotnet.invokeMethodAsync("ShowCells", indexes).catch(() => { });   // the page went away meanwhile
        };
        const request = (cell) => {
            if (!cell.hasAttribute("data-light")) return;
            pending.add(Number(cell.getAttribute("data-cell")));
            if (!scheduled) { scheduled = true; setTimeout(flush, 0); }      // one call for the cells of one scroll step
        };

        const near = new IntersectionObserver((entries) => {
            for (const entry of entries) {
                if (!entry.target.hasAttribute("data-light")) near.unobserve(entry.target);
                else if (entry.isIntersecting) request(entry.target);
            }
        }, { rootMargin: "100% 0px" });
        const observeLight = () => { for (const cell of editor.querySelectorAll(":scope > [data-cell][data-light]")) near.observe(cell); };
        new MutationObserver(observeLight).observe(editor, { childList: true });
        observeLight();

        const open = (e) => {
            const cell = e.target instanceof Element ? e.target.closest("[data-cell][data-light]") : null;
            if (!cell || cell.parentElement !== editor) return;
            request(cell);
            const until = Date.now() + 3000;
            const focus = () => {
                const field = cell.querySelector("textarea") ?? cell.querySelector("input[type=text]");   // the prompt's text, else the first field
                if (field) field.focus();
                else if (Date.now() < until) setTimeout(focus, 50);
            };
            setTimeout(focus, 50);
        };
        editor.addEventListener("click", open);
        editor.addEventListener("focusin", open);
    }

    return { watch };
})();
