// The page-speed tool (issue 14): opens notebooks of an already running GptPlayground in Debian's Chromium
// (Playwright; never `playwright install`) and measures, per notebook and run, in a fresh browser context each time:
//   load   navigation start to the page's load event (server render and every asset: the page weight's cost)
//   tti    navigation start to the first edit the live circuit answers (the circuit connected, the editor rendered
//          interactively, a keystroke in the first prompt cell shown in that cell's prompt preview)
//   last   after tti, the page scrolled to its end: time until the last cell is drawn in full (a long notebook draws the
//          cells away from the viewport light, read-only, and each in full when it comes near)
//   typing keystroke to the prompt preview showing it, median and max of --keystrokes keystrokes in the first prompt
//          cell (scrolled back to it)
//   bytes  bytes of every response the page loaded; nodes: DOM elements once interactive
// Loopback only; it starts nothing but the browser.

using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Playwright;

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 0; i + 1 < args.Length; i += 2) options[args[i]] = args[i + 1];
if (args.Length % 2 == 1 || !options.TryGetValue("--url", out var urlText))
{
    Console.Error.WriteLine("usage: page-speed --url http://127.0.0.1:PORT [--notebooks a.md,b.md] [--runs N] [--keystrokes K] [--chromium PATH]");
    return 2;
}
var url = new Uri(urlText.TrimEnd('/'));
if (!(url.IsLoopback || IPAddress.TryParse(url.Host, out var ip) && IPAddress.IsLoopback(ip)))
{
    Console.Error.WriteLine($"refusing {url.Host}: page-speed only targets loopback addresses");
    return 2;
}
var notebooks = options.GetValueOrDefault("--notebooks", "few-shot-tasks.md,eval-playground-mini.md").Split(',');
int runs = int.Parse(options.GetValueOrDefault("--runs", "5"), CultureInfo.InvariantCulture);
int keystrokes = int.Parse(options.GetValueOrDefault("--keystrokes", "10"), CultureInfo.InvariantCulture);

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new()
{
    ExecutablePath = options.GetValueOrDefault("--chromium", "/usr/bin/chromium"), Headless = true, Args = ["--no-sandbox"],
});

Console.WriteLine("| notebook | cells | run | load ms | tti ms | last cell ms | typing p50 / max ms | KiB | DOM elements |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var notebook in notebooks)
{
    for (int run = 1; run <= runs; run++)
    {
        await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 768 } });
        var page = await context.NewPageAsync();
        long bytes = 0;
        page.RequestFinished += async (_, request) =>
        {
            try { var sizes = await request.SizesAsync(); Interlocked.Add(ref bytes, sizes.ResponseBodySize + sizes.ResponseHeadersSize); }
            catch (PlaywrightException) { }   // the page went away
        };
        var clock = Stopwatch.StartNew();
        await page.GotoAsync($"{url.GetLeftPart(UriPartial.Authority)}/notebooks/{Uri.EscapeDataString(notebook)}", new() { WaitUntil = WaitUntilState.Load, Timeout = 60000 });
        double load = clock.Elapsed.TotalMilliseconds;

        // the first prompt cell's last text field (Input of a zero-shot cell, Query of a few-shot one) and its preview
        var cell = page.Locator("[data-cell]:has(.prompt-cell)").First;
        var field = cell.Locator("textarea[aria-label='Input'], textarea[aria-label='Query']").Last;
        var preview = cell.Locator("pre.prompt-text");
        try { await field.WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60000 }); }
        catch (TimeoutException)
        {
            await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "page-speed-failed.html"), await page.ContentAsync());
            throw new TimeoutException($"{notebook}: no Input or Query field in a prompt cell after 60 s (page saved to {Path.GetTempPath()}page-speed-failed.html)");
        }
        double tti = 0;
        for (int attempt = 0; tti == 0; attempt++)
        {
            if (attempt > 600) throw new TimeoutException($"{notebook}: no keystroke reached the preview in 60 s");
            try
            {
                // before the circuit takes over, the keystroke lands in the server-rendered page and nothing answers it
                await field.FocusAsync(new() { Timeout = 1000 });
                await page.Keyboard.PressAsync("End");
                await page.Keyboard.TypeAsync("§");
                await preview.Filter(new() { HasText = "§" }).WaitForAsync(new() { Timeout = 100 });
                tti = clock.Elapsed.TotalMilliseconds;
            }
            catch (Exception e) when (e is TimeoutException or PlaywrightException) { }
        }
        int elements = await page.EvaluateAsync<int>("document.getElementsByTagName('*').length");
        int cells = await page.Locator("[data-cell]").CountAsync();

        // the end of the notebook: its last cell drawn in full (with its buttons) after the page scrolls there (an older
        // editor built a long notebook a few cells per render, "Showing N of M cells…" until the last: that counts too)
        var scrolled = Stopwatch.StartNew();
        await page.Locator(".cells-pending").WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 120000 });
        await page.EvaluateAsync("window.scrollTo(0, document.documentElement.scrollHeight)");
        await page.Locator("[data-cell]").Last.Locator(".cell-bar button").First.WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60000 });
        double last = scrolled.Elapsed.TotalMilliseconds;
        await field.ScrollIntoViewIfNeededAsync();
        await field.FocusAsync();
        await page.Keyboard.PressAsync("End");

        List<double> typing = [];
        for (int k = 0; k < keystrokes; k++)
        {
            string mark = ((char)('a' + k % 26)).ToString() + k;
            var typed = Stopwatch.StartNew();
            await page.Keyboard.TypeAsync(mark);
            await page.WaitForFunctionAsync("([cell, mark]) => document.querySelectorAll('[data-cell]')[cell]?.querySelector('pre.prompt-text')?.textContent.includes(mark)",
                new object[] { await cell.GetAttributeAsync("data-cell") is { } c ? int.Parse(c, CultureInfo.InvariantCulture) : 0, "§" + string.Concat(Enumerable.Range(0, k + 1).Select(j => ((char)('a' + j % 26)).ToString() + j)) },
                new() { PollingInterval = 5, Timeout = 30000 });
            typing.Add(typed.Elapsed.TotalMilliseconds);
        }
        typing.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {notebook} | {cells} | {run} | {load:0} | {tti:0} | {last:0} | {typing[typing.Count / 2]:0} / {typing[^1]:0} | {Interlocked.Read(ref bytes) / 1024.0:0} | {elements:N0} |"));
    }
}
return 0;
