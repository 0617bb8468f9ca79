// The prompt's text areas (Components/Cells/CellTextArea) grow with their text through CSS field-sizing. Where a
// browser lacks it, this sizes a text area to its text (within its CSS max-height) when it is focused and on each input,
// in the browser alone: no call reaches the server.
(() => {
    if (CSS.supports("field-sizing", "content")) return;
    const fit = (e) => {
        const area = e.target;
        if (!(area instanceof HTMLTextAreaElement) || !area.closest(".cell-text-area")) return;
        area.style.height = "auto";
        const max = parseFloat(getComputedStyle(area).maxHeight);
        area.style.height = `${Number.isFinite(max) ? Math.min(area.scrollHeight, max) : area.scrollHeight}px`;
    };
    document.addEventListener("input", fit, true);
    document.addEventListener("focusin", fit, true);
})();
