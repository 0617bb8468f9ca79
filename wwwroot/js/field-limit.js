// Texts too long for a notebook never leave the browser (issue 17 #3). A notebook file holds at most 5 MB, and the
// server refuses hub messages over 16 MB (Web/UiExtensions.cs): a longer field would drop the connection and lose the
// edit while the page still showed it. So a field whose text grows past MAX characters keeps its last accepted text,
// the input event never reaches Blazor, and the page says why. Capture phase on window: this runs before Blazor's
// own listeners.
(() => {
    const MAX = 5_000_000;
    const accepted = new WeakMap();            // field -> its last text within the limit
    const isField = (t) => t instanceof HTMLTextAreaElement || (t instanceof HTMLInputElement && t.type === "text");

    function notice(length) {
        let box = document.getElementById("field-limit-notice");
        if (!box) {
            box = document.createElement("div");
            box.id = "field-limit-notice";
            box.setAttribute("role", "alert");
            box.className = "field-limit-notice";
            document.body.appendChild(box);
        }
        box.textContent = `That text is ${length.toLocaleString("en")} characters: a notebook holds at most 5 MB, so a field ` +
            `may hold ${MAX.toLocaleString("en")} characters. The field keeps its previous text; nothing was sent.`;
        clearTimeout(box.hideTimer);
        box.hidden = false;
        box.hideTimer = setTimeout(() => { box.hidden = true; }, 12000);
    }

    document.addEventListener("focusin", (e) => {
        if (isField(e.target) && e.target.value.length <= MAX) accepted.set(e.target, e.target.value);
    }, true);

    for (const type of ["input", "change"]) {
        window.addEventListener(type, (e) => {
            const field = e.target;
            if (!isField(field)) return;
            if (field.value.length <= MAX) { accepted.set(field, field.value); return; }
            e.stopImmediatePropagation();
            const length = field.value.length;
            field.value = accepted.get(field) ?? "";
            notice(length);
        }, true);
    }
})();
