using System.Runtime.CompilerServices;

// The bench's bare ONNX Runtime loop (in the executable) and the tests reach the session directly.
[assembly: InternalsVisibleTo("gptplayground")]
[assembly: InternalsVisibleTo("GptPlayground.Inference.Tests")]
[assembly: InternalsVisibleTo("GptPlayground.Tests")]
