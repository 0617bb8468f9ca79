using BenchmarkDotNet.Running;

// dotnet run -c Release -- --filter '*'            (ShortRun job: 3 warm-ups, 3 iterations per case)
BenchmarkSwitcher.FromAssembly(typeof(GptPlayground.Tokenizers.Benchmarks.EncodeBenchmarks).Assembly).Run(args);
