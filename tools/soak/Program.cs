// The soak tool (issue 17): N browser sessions (Playwright, Debian's Chromium) each clicking "Run cell" on one cell
// of a notebook of an already running GptPlayground, for at most M minutes and at most --max-runs runs; it records
// per-run latency, tokens and errors and samples the app's RSS from /proc/PID/status. Loopback only. It starts
// nothing but the browser. API clients: the app has no HTTP API yet, so there are none (see docs/reliability.md).

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace GptPlayground.Soak;

sealed record Options(
    Uri Url, int Sessions, double Minutes, int MaxRuns, string Notebook, string? Prompts, string Model, int MaxNewTokens,
    int? Pid, int IdleSeconds, string? Out, string Chromium, int CellIndex, int RunTimeoutSeconds, int SampleSeconds, int ApiClients,
    int WarmupSeconds)
{
    public const int MaxSessions = 64;
    public const double MaxMinutes = 120;
    public const int MaxRunsCeiling = 1_000_000;

    public static string Usage => """
        usage: soak --url http://127.0.0.1:PORT [--sessions N] [--minutes M] [--max-runs R] [--notebook NAME]
                    [--prompts DIR] [--model NAME] [--max-new-tokens T] [--pid PID] [--idle-seconds S] [--out FILE.json]
                    [--chromium PATH] [--cell K] [--run-timeout-seconds S] [--sample-seconds S] [--api-clients N]
                    [--warmup-seconds S]

          --url          the running app (loopback only: 127.0.0.0/8, ::1 or localhost)
          --sessions     browser sessions, each its own page and circuit (default 10, at most 64)
          --minutes      how long runs are started (default 10, at most 120)
          --max-runs     total runs over all sessions (default 100000)
          --notebook     the notebook to open (default soak.md)
          --prompts      the app's prompts folder: when given, the tool writes its soak notebook there as --notebook
                         (model --model, one prompt cell, greedy + one sampling variant, exactly --max-new-tokens
                         tokens each, default 32)
          --pid          the app's process id: RSS from /proc/PID/status at start, during, at the end and after idle
          --idle-seconds idle after the pages are closed before the last RSS sample (default 30)
          --out          write the summary and every run as JSON
          --cell         which prompt cell (0-based among .prompt-cell, default 0)
          --api-clients  OpenAI-API clients beside the browser sessions (default 0, at most 64): each posts the
                         notebook's prompt to /v1/completions (greedy or sampled in turn, --max-new-tokens tokens)
          --warmup-seconds  after each session's warm-up click, the full load (sessions and API clients) runs this
                         long, uncounted, before the "warm" RSS baseline (default 0): the heap grows to what the
                         load needs first, so that end vs warm measures growth under the load, not the warm-up
        """;

    public static Options Parse(string[] args)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] is "-h" or "--help") throw new UsageException("");
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new UsageException($"unexpected argument '{args[i]}'");
            map[args[i]] = args[++i];
        }
        string? Get(string k) { var v = map.GetValueOrDefault(k); map.Remove(k); return v; }
        int Int(string k, int def, int min, int max)
        {
            var s = Get(k);
            if (s is null) return def;
            if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
                throw new UsageException($"{k} must be an integer from {min} to {max} (got '{s}')");
            return v;
        }
        var urlText = Get("--url") ?? throw new UsageException("--url is required");
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || (url.Scheme != "http" && url.Scheme != "https"))
            throw new UsageException($"--url must be an absolute http(s) URL (got '{urlText}')");
        if (!IsLoopback(url.Host))
            throw new UsageException($"refusing {url.Host}: the soak tool only targets loopback addresses (127.0.0.0/8, ::1, localhost)");
        var minutesText = Get("--minutes");
        double minutes = 10;
        if (minutesText is not null && (!double.TryParse(minutesText, NumberStyles.Float, CultureInfo.InvariantCulture, out minutes)
                                        || !(minutes > 0) || minutes > MaxMinutes))
            throw new UsageException($"--minutes must be a number in (0, {MaxMinutes}] (got '{minutesText}')");
        var pidText = Get("--pid");
        int? pid = pidText is null ? null : int.TryParse(pidText, out var p) && p > 0 ? p : throw new UsageException($"--pid: bad process id '{pidText}'");
        var notebook = Get("--notebook") ?? "soak.md";
        if (notebook.Contains('/') || notebook.Contains('\\') || notebook.StartsWith('.'))
            throw new UsageException($"--notebook is a file name in the prompts folder (got '{notebook}')");
        if (!notebook.EndsWith(".md", StringComparison.OrdinalIgnoreCase)) notebook += ".md";
        var o = new Options(url, Int("--sessions", 10, 1, MaxSessions), minutes, Int("--max-runs", 100_000, 1, MaxRunsCeiling),
            notebook, Get("--prompts"), Get("--model") ?? "playground-mini", Int("--max-new-tokens", 32, 1, 4096), pid,
            Int("--idle-seconds", 30, 0, 3600), Get("--out"), Get("--chromium") ?? "/usr/bin/chromium", Int("--cell", 0, 0, 10_000),
            Int("--run-timeout-seconds", 120, 1, 3600), Int("--sample-seconds", 15, 1, 3600), Int("--api-clients", 0, 0, MaxSessions),
            Int("--warmup-seconds", 0, 0, 3600));
        if (map.Count > 0) throw new UsageException($"unknown option {map.Keys.First()}");
        return o;
    }

    /// <summary>Loopback by address (127.0.0.0/8, ::1, ::ffff:127.x) or the name localhost; no DNS lookups.</summary>
    public static bool IsLoopback(string host)
    {
        host = host.Trim('[', ']');
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip);
    }
}

sealed class UsageException(string message) : Exception(message);

/// <summary>One click of "Run cell" until every variant of the cell finished (or failed), or one API completion.</summary>
sealed record RunRecord(int Session, double StartSeconds, double LatencyMs, int Tokens, string? Error)
{
    /// <summary>"browser" (a session's click) or "api" (a client's completion).</summary>
    public string Client { get; init; } = "browser";
}

/// <summary>The app's memory at one moment, from /proc/PID/status, with the machine's load average.</summary>
sealed record MemorySample(string Label, double AtSeconds, long RssKiB, long HwmKiB, double CpuSeconds, string LoadAverage);

static class Proc
{
    public static MemorySample? Sample(int? pid, string label, Stopwatch clock)
    {
        var load = TryRead("/proc/loadavg") is { } l ? string.Join(' ', l.Split(' ').Take(3)) : "";
        if (pid is not int p) return new MemorySample(label, clock.Elapsed.TotalSeconds, 0, 0, 0, load);
        var status = TryRead($"/proc/{p}/status");
        if (status is null) return null;
        long Field(string name)
        {
            var m = Regex.Match(status, $@"^{name}:\s+(\d+) kB", RegexOptions.Multiline);
            return m.Success ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        }
        double cpu = 0;
        if (TryRead($"/proc/{p}/stat") is { } stat)
        {
            // fields after the ")" of the command name: state is field 3, utime 14, stime 15 (1-based)
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            cpu = (double.Parse(rest[11], CultureInfo.InvariantCulture) + double.Parse(rest[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        return new MemorySample(label, clock.Elapsed.TotalSeconds, Field("VmRSS"), Field("VmHWM"), cpu, load);
    }

    static string? TryRead(string path) { try { return File.ReadAllText(path); } catch (IOException) { return null; } catch (UnauthorizedAccessException) { return null; } }
}

static partial class Program
{
    [GeneratedRegex(@"^(\d+) tokens?\b")]
    private static partial Regex StatusPattern();

    static async Task<int> Main(string[] args)
    {
        Options o;
        try { o = Options.Parse(args); }
        catch (UsageException e)
        {
            if (e.Message.Length > 0) Console.Error.WriteLine("soak: " + e.Message);
            Console.Error.WriteLine(Options.Usage);
            return 2;
        }
        if (!File.Exists(o.Chromium)) { Console.Error.WriteLine($"soak: {o.Chromium} not found (apt-get install -y chromium)"); return 2; }
        if (o.Pid is int pid && !File.Exists($"/proc/{pid}/status")) { Console.Error.WriteLine($"soak: no process {pid}"); return 2; }
        if (o.Prompts is { } prompts)
        {
            if (!Directory.Exists(prompts)) { Console.Error.WriteLine($"soak: --prompts {prompts} is not a folder"); return 2; }
            File.WriteAllText(Path.Combine(prompts, o.Notebook), SoakNotebook(o.Model, o.MaxNewTokens));
            Console.WriteLine($"wrote {Path.Combine(prompts, o.Notebook)}");
        }

        var clock = Stopwatch.StartNew();
        var samples = new List<MemorySample>();
        void Take(string label)
        {
            if (Proc.Sample(o.Pid, label, clock) is { } s)
            {
                lock (samples) samples.Add(s);
                if (o.Pid is not null) Console.WriteLine($"[{s.AtSeconds,7:0.0}s] RSS {label}: {s.RssKiB / 1024.0:0.0} MiB (peak {s.HwmKiB / 1024.0:0.0} MiB, cpu {s.CpuSeconds:0.0} s, load {s.LoadAverage})");
            }
        }
        Take("start");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = o.Chromium, Headless = true, Args = ["--no-sandbox"] });

        var runs = new List<RunRecord>();
        var events = new List<string>();
        int started = 0;
        var sessions = new Session[o.Sessions];
        for (int i = 0; i < o.Sessions; i++) sessions[i] = new Session(i, o, browser, events);

        Console.WriteLine($"opening {o.Sessions} sessions on {o.Url}notebooks/{o.Notebook} …");
        try { await Task.WhenAll(sessions.Select(s => s.OpenAsync())); }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            Console.Error.WriteLine($"soak: cannot open {o.Url}notebooks/{o.Notebook}: {e.Message.Split('\n')[0]}");
            return 1;
        }
        Take("sessions open");
        // one warm-up run per session (model load, JIT, first render), not counted: the "warm" RSS baseline
        var warmups = await Task.WhenAll(sessions.Select(s => s.RunOnceAsync(Stopwatch.StartNew(), warmup: true)));
        foreach (var w in warmups.Where(w => w.Error is not null)) lock (events) events.Add($"session {w.Session}: warm-up: {w.Error}");
        using var http = new HttpClient { BaseAddress = o.Url, Timeout = TimeSpan.FromSeconds(o.RunTimeoutSeconds) };
        var clients = Enumerable.Range(0, o.ApiClients).Select(i => new ApiClient(i, o, http)).ToArray();
        // every session and API client runs until the deadline (and while runs are left); each run goes to `done`
        Task Load(Stopwatch clock, TimeSpan until, Action<RunRecord> done, Func<bool> mayStart) =>
            Task.WhenAll(sessions.Select(s => Task.Run(async () =>
            {
                while (clock.Elapsed < until && mayStart()) done(await s.RunOnceAsync(clock));
            })).Concat(clients.Select(c => Task.Run(async () =>
            {
                while (clock.Elapsed < until && mayStart()) done(await c.RunOnceAsync(clock));
            }))));
        if (o.WarmupSeconds > 0)
        {
            Console.WriteLine($"warming up under the full load for {o.WarmupSeconds} s (not counted) …");
            int warmRuns = 0, warmErrors = 0;
            await Load(Stopwatch.StartNew(), TimeSpan.FromSeconds(o.WarmupSeconds), r =>
            {
                Interlocked.Increment(ref warmRuns);
                if (r.Error is not null) { Interlocked.Increment(ref warmErrors); lock (events) events.Add($"warm-up {r.Client} {r.Session}: {r.Error}"); }
            }, () => true);
            Console.WriteLine($"warm-up load: {warmRuns} runs, {warmErrors} errors");
        }
        Take("warm");

        var runClock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromMinutes(o.Minutes);
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            try { while (true) { await Task.Delay(TimeSpan.FromSeconds(o.SampleSeconds), sampling.Token); Take("during"); } }
            catch (OperationCanceledException) { }
        });
        var progress = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await Task.Delay(TimeSpan.FromSeconds(60), sampling.Token);
                    int n, e; lock (runs) { n = runs.Count; e = runs.Count(r => r.Error is not null); }
                    Console.WriteLine($"[{runClock.Elapsed.TotalMinutes:0.0} min] {n} runs, {e} errors");
                }
            }
            catch (OperationCanceledException) { }
        });

        await Load(runClock, deadline, r => { lock (runs) runs.Add(r); }, () => Interlocked.Increment(ref started) <= o.MaxRuns);
        var runSeconds = runClock.Elapsed.TotalSeconds;
        sampling.Cancel();
        await sampler; await progress;
        Take("end");

        foreach (var s in sessions) await s.CloseAsync();
        await browser.CloseAsync();
        if (o.IdleSeconds > 0)
        {
            Console.WriteLine($"pages closed; idle {o.IdleSeconds} s …");
            await Task.Delay(TimeSpan.FromSeconds(o.IdleSeconds));
        }
        Take("after idle");

        var summary = Summarize(o, runs, samples, runSeconds, events);
        Print(summary, runs);
        if (o.Out is { } outPath)
        {
            var json = new { summary, samples, events, runs };
            File.WriteAllText(outPath, JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"wrote {outPath}");
        }
        return summary.Errors == 0 ? 0 : 1;
    }

    static string SoakNotebook(string model, int tokens) => $"""
        ---
        title: Soak
        model: {model}
        decoding:
          max_new_tokens: {tokens}
          min_new_tokens: {tokens}
        ---

        The soak tool's notebook (tools/soak): one prompt cell, a greedy variant and a sampling variant, each
        generating exactly {tokens} tokens (min_new_tokens = max_new_tokens) so that every run does the same work.

        ## Zero-shot: continuation

        ```input
        Once upon a time
        ```

        ```decoding greedy
        do_sample: false
        ```

        ```decoding sample
        do_sample: true
        temperature: 0.8
        top_p: 0.95
        ```
        """;

    internal static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];

    internal static int ParseTokens(IEnumerable<string> statuses) =>
        statuses.Sum(s => StatusPattern().Match(s) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0);

    sealed record Summary(
        int Sessions, double Minutes, double RunSeconds, int Runs, int Errors, Dictionary<string, int> ErrorKinds,
        double P50Ms, double P95Ms, double MaxMs, double MeanMs, long Tokens, double AggregateTokensPerSecond,
        int MinRunsPerSession, int MaxRunsPerSession, long? RssStartKiB, long? RssWarmKiB, long? RssEndKiB, long? RssAfterIdleKiB,
        double? RssEndVsStartPercent, double? RssAfterIdleVsStartPercent, double? RssEndVsWarmPercent, double? RssAfterIdleVsWarmPercent,
        long? PeakRssKiB, string LoadStart, string LoadEnd,
        double? AppCpuSeconds, int Cores, int ApiClients, int ApiRuns, int ApiErrors, double ApiP50Ms, double ApiP95Ms);

    static Summary Summarize(Options o, List<RunRecord> runs, List<MemorySample> samples, double runSeconds, List<string> events)
    {
        var ok = runs.Where(r => r.Error is null && r.Client == "browser").Select(r => r.LatencyMs).Order().ToList();
        var api = runs.Where(r => r.Client == "api").ToList();
        var apiOk = api.Where(r => r.Error is null).Select(r => r.LatencyMs).Order().ToList();
        var kinds = runs.Where(r => r.Error is not null).GroupBy(r => Kind(r.Error!)).ToDictionary(g => g.Key, g => g.Count());
        var per = Enumerable.Range(0, o.Sessions).Select(i => runs.Count(r => r.Session == i && r.Client == "browser")).ToList();
        MemorySample? S(string label) => samples.LastOrDefault(s => s.Label == label);
        var start = S("start"); var warm = S("warm"); var end = S("end"); var idle = S("after idle");
        bool mem = o.Pid is not null && start is not null;
        double? Pct(MemorySample? s, MemorySample? from) => mem && s is not null && from is not null && from.RssKiB > 0 ? 100.0 * (s.RssKiB - from.RssKiB) / from.RssKiB : null;
        long tokens = runs.Where(r => r.Error is null).Sum(r => (long)r.Tokens);
        return new Summary(o.Sessions, o.Minutes, runSeconds, runs.Count, runs.Count(r => r.Error is not null), kinds,
            Percentile(ok, 50), Percentile(ok, 95), ok.Count > 0 ? ok[^1] : double.NaN, ok.Count > 0 ? ok.Average() : double.NaN,
            tokens, runSeconds > 0 ? tokens / runSeconds : 0, per.Min(), per.Max(),
            mem ? start!.RssKiB : null, mem ? warm?.RssKiB : null, mem ? end?.RssKiB : null, mem ? idle?.RssKiB : null,
            Pct(end, start), Pct(idle, start), Pct(end, warm), Pct(idle, warm),
            mem ? samples.Max(s => s.HwmKiB) : null, start?.LoadAverage ?? "", end?.LoadAverage ?? "",
            mem && end is not null && warm is not null ? end.CpuSeconds - warm.CpuSeconds : null, Environment.ProcessorCount,
            o.ApiClients, api.Count, api.Count(r => r.Error is not null), Percentile(apiOk, 50), Percentile(apiOk, 95));
    }

    static string Kind(string error) => error.Length <= 60 ? error : error[..60];

    static void Print(Summary s, List<RunRecord> runs)
    {
        string Mib(long? k) => k is long v ? $"{v / 1024.0:0.0} MiB" : "n/a";
        string Pc(double? p) => p is double v ? $"{v:+0.0;-0.0}%" : "n/a";
        Console.WriteLine();
        Console.WriteLine("| measure | value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| sessions × minutes | {s.Sessions} × {s.Minutes:0.##} (runs started for {s.RunSeconds:0} s) |");
        Console.WriteLine($"| runs (cell clicks, all variants) | {s.Runs} ({s.MinRunsPerSession}–{s.MaxRunsPerSession} per session) |");
        Console.WriteLine($"| errors | {s.Errors}{(s.ErrorKinds.Count > 0 ? " (" + string.Join("; ", s.ErrorKinds.Select(k => $"{k.Value}× {k.Key}")) + ")" : "")} |");
        Console.WriteLine($"| latency p50 / p95 / max (mean) | {s.P50Ms:0} / {s.P95Ms:0} / {s.MaxMs:0} ms ({s.MeanMs:0} ms) |");
        if (s.ApiClients > 0)
            Console.WriteLine($"| API clients: completions, errors, latency p50 / p95 | {s.ApiClients}: {s.ApiRuns}, {s.ApiErrors}, {s.ApiP50Ms:0} / {s.ApiP95Ms:0} ms |");
        Console.WriteLine($"| tokens generated | {s.Tokens} |");
        Console.WriteLine($"| aggregate tokens/s | {s.AggregateTokensPerSecond:0.0} |");
        Console.WriteLine($"| RSS start / warm / end / after idle | {Mib(s.RssStartKiB)} / {Mib(s.RssWarmKiB)} / {Mib(s.RssEndKiB)} / {Mib(s.RssAfterIdleKiB)} |");
        Console.WriteLine($"| RSS change vs start: end / after idle | {Pc(s.RssEndVsStartPercent)} / {Pc(s.RssAfterIdleVsStartPercent)} |");
        Console.WriteLine($"| RSS change vs warm: end / after idle (target ≤ +20%) | {Pc(s.RssEndVsWarmPercent)} / {Pc(s.RssAfterIdleVsWarmPercent)} |");
        Console.WriteLine($"| peak RSS (VmHWM) | {Mib(s.PeakRssKiB)} |");
        Console.WriteLine($"| app CPU during runs | {(s.AppCpuSeconds is double c ? $"{c:0} s ({c / Math.Max(1, s.RunSeconds):0.00} cores)" : "n/a")} |");
        Console.WriteLine($"| load average start / end ({s.Cores} cores) | {s.LoadStart} / {s.LoadEnd} |");
    }
}

/// <summary>One browser page (its own context, so its own circuit) on the soak notebook.</summary>
sealed class Session(int index, Options o, IBrowser browser, List<string> events)
{
    IBrowserContext? context;
    IPage? page;

    void Event(string text)
    {
        lock (events) events.Add($"session {index}: {text}");
        Console.WriteLine($"session {index}: {text}");
    }

    public async Task OpenAsync()
    {
        if (context is not null) await context.CloseAsync();
        context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        page = await context.NewPageAsync();
        page.PageError += (_, e) => Event($"page error: {e}");
        page.Console += (_, m) =>
        {
            if (m.Type == "error" || m.Text.Contains("disconnected", StringComparison.OrdinalIgnoreCase)) Event($"console.{m.Type}: {m.Text}");
        };
        // Blazor logs "WebSocket connected" when the circuit's socket is up; clicks before the circuit attaches are lost.
        var connected = page.WaitForConsoleMessageAsync(new() { Predicate = m => m.Text.Contains("WebSocket connected"), Timeout = 60000 });
        await page.GotoAsync(new Uri(o.Url, "notebooks/" + Uri.EscapeDataString(o.Notebook)).ToString(), new() { Timeout = 60000 });
        await connected;
        await page.WaitForTimeoutAsync(500);
        await Cell.Locator("button[aria-label='Run cell']").WaitForAsync(new() { Timeout = 30000 });
    }

    ILocator Cell => page!.Locator(".prompt-cell").Nth(o.CellIndex);

    // Marks the cell so that the end of the run about to start can be told from the end of the previous one:
    // a MutationObserver notes any column becoming aria-busy="true" or any status line changing.
    const string Arm = """
        el => {
          const statuses = () => [...el.querySelectorAll('.variant-status')].map(s => s.textContent).join('|');
          if (el.__soakObserver) el.__soakObserver.disconnect();
          el.__soak = { started: false, before: statuses() };
          el.__soakObserver = new MutationObserver(() => {
            if (el.querySelector('[aria-busy="true"]') || statuses() !== el.__soak.before) el.__soak.started = true;
          });
          el.__soakObserver.observe(el, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['aria-busy', 'disabled'] });
        }
        """;

    const string Done = """
        el => {
          if (!el.__soak || !el.__soak.started) return false;
          if (el.querySelector('[aria-busy="true"]')) return false;
          const button = el.querySelector('button[aria-label="Run cell"]');
          if (!button || button.disabled) return false;
          const statuses = [...el.querySelectorAll('.variant-status')].map(s => s.textContent);
          return statuses.length > 0 && statuses.every(s => /finished|failed|cancelled/.test(s));
        }
        """;

    const string Started = "el => !!(el.__soak && el.__soak.started)";

    /// <summary>
    /// One click of "Run cell" and the wait for every column to finish. A warm-up run clicks again when the first
    /// click is not acknowledged within 5 s (the prerendered button is visible before the circuit attaches its
    /// handlers, more so on a loaded machine); a measured run counts an unacknowledged click as an error.
    /// </summary>
    public async Task<RunRecord> RunOnceAsync(Stopwatch runClock, bool warmup = false)
    {
        double at = runClock.Elapsed.TotalSeconds;
        var watch = Stopwatch.StartNew();
        try
        {
            var cell = Cell;
            await cell.EvaluateAsync(Arm);
            var handle = await cell.ElementHandleAsync();
            for (int attempt = 1; ; attempt++)
            {
                await cell.Locator("button[aria-label='Run cell']").ClickAsync(new() { Timeout = 30000 });
                try
                {
                    await page!.WaitForFunctionAsync(Started, handle, new() { PollingInterval = 20, Timeout = warmup ? 5000 : 30000 });
                    break;
                }
                catch (TimeoutException) when (warmup && attempt < 12) { }
                catch (TimeoutException)
                {
                    throw new TimeoutException($"click on Run cell not acknowledged (no column busy, no status change) after {attempt} click(s)");
                }
            }
            await page!.WaitForFunctionAsync(Done, handle, new() { PollingInterval = 20, Timeout = o.RunTimeoutSeconds * 1000 });
            var latency = watch.Elapsed.TotalMilliseconds;
            var statuses = await cell.Locator(".variant-status").AllInnerTextsAsync();
            var errors = await cell.Locator(".variant-error, .variant-invalid").AllInnerTextsAsync();
            string? error = statuses.Any(s => s.Contains("failed") || s.Contains("cancelled")) || errors.Count > 0
                ? "run failed: " + string.Join(" | ", errors.Concat(statuses.Where(s => !s.Contains("finished"))))
                : null;
            if (error is not null) Event(error);
            return new RunRecord(index, at, latency, Program.ParseTokens(statuses), error);
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            var kind = e is TimeoutException ? $"timeout: {e.Message.Split('\n')[0]}" : $"browser: {e.Message.Split('\n')[0]}";
            Event(kind + " (reopening the page)");
            try { await OpenAsync(); } catch (Exception again) { Event($"reopen failed: {again.Message.Split('\n')[0]}"); }
            return new RunRecord(index, at, watch.Elapsed.TotalMilliseconds, 0, kind);
        }
    }

    public async Task CloseAsync()
    {
        // leave the page first so that Blazor sends its disconnect beacon and the server ends the circuit now
        try { if (page is not null) await page.GotoAsync("about:blank", new() { Timeout = 10000 }); } catch (PlaywrightException) { }
        try { if (context is not null) await context.CloseAsync(); } catch (PlaywrightException) { }
    }
}

/// <summary>An OpenAI-API client: posts the soak notebook's prompt to /v1/completions, greedy or sampled in turn.</summary>
sealed class ApiClient(int index, Options o, HttpClient http)
{
    int calls;

    public async Task<RunRecord> RunOnceAsync(Stopwatch clock)
    {
        double at = clock.Elapsed.TotalSeconds;
        var watch = Stopwatch.StartNew();
        bool sample = calls++ % 2 == 1;
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model"] = o.Model, ["prompt"] = "Once upon a time", ["max_tokens"] = o.MaxNewTokens, ["min_new_tokens"] = o.MaxNewTokens,
            ["temperature"] = sample ? 0.8 : 0.0, ["top_p"] = sample ? 0.95 : 1.0, ["seed"] = index * 100_000 + calls,
        });
        try
        {
            using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
            using var response = await http.PostAsync("v1/completions", content);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
                return new RunRecord(index, at, watch.Elapsed.TotalMilliseconds, 0, $"api HTTP {(int)response.StatusCode}: {text[..Math.Min(80, text.Length)]}") { Client = "api" };
            using var json = JsonDocument.Parse(text);
            int tokens = json.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32();
            return new RunRecord(index, at, watch.Elapsed.TotalMilliseconds, tokens, null) { Client = "api" };
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
        {
            return new RunRecord(index, at, watch.Elapsed.TotalMilliseconds, 0, $"api {e.GetType().Name}: {e.Message.Split('\n')[0]}") { Client = "api" };
        }
    }
}
