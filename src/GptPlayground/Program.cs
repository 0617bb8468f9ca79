using GptPlayground.Cli;
using GptPlayground.Web;

// Headless verbs (models, generate, bench, synth-model) run and exit; anything else serves the web app.
if (CommandLine.IsHeadless(args))
{
    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
    return await CommandLine.RunAsync(args, new CliContext(Console.Out, Console.Error), cancel.Token);
}

string[] hostArgs;
try { hostArgs = CommandLine.ToHostArgs(args); }
catch (CliException e) { Console.Error.WriteLine($"gptplayground serve: {e.Message}"); return 2; }

var app = PlaygroundWebApp.Build(hostArgs);
await app.RunAsync();
return 0;

/// <summary>The entry point; public so that tests can host the app with WebApplicationFactory.</summary>
public partial class Program;
