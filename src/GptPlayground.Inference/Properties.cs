using System.Runtime.CompilerServices;

// The tests reach the session directly (the executable uses the public API only).
[assembly: InternalsVisibleTo("GptPlayground.Inference.Tests")]
[assembly: InternalsVisibleTo("GptPlayground.Tests")]
