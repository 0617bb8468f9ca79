// The theme the user chose (System, Light or Dark) in a cookie, so that the server renders even the first paint in it
// (Components/Layout/MainLayout.razor.cs reads the cookie; PlaygroundTheme.CookieName is its name).
window.gptPlayground = window.gptPlayground || {};
window.gptPlayground.theme = (() => {
    const name = "gptplayground-theme";
    return {
        remember: (mode) => { document.cookie = `${name}=${encodeURIComponent(mode)}; path=/; max-age=31536000; samesite=lax`; },
        read: () => {
            const cookie = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
            return cookie ? decodeURIComponent(cookie.substring(name.length + 1)) : null;
        },
    };
})();
