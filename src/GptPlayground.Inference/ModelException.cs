namespace GptPlayground.Inference;

/// <summary>
/// The engine's one exception type: a model folder, a model file, a request or a native call went wrong.
/// The message is written for the user ("models/phi3: no model.onnx, decoder_model_merged.onnx or
/// decoder_model.onnx found"), never a bare native status; the native error, if any, is the inner exception.
/// </summary>
public sealed class ModelException : Exception
{
    /// <summary>Creates the exception with a user-facing message.</summary>
    public ModelException(string message) : base(message) { }

    /// <summary>Creates the exception with a user-facing message and the underlying error.</summary>
    public ModelException(string message, Exception inner) : base(message, inner) { }
}
