using GptPlayground.Inference.Models;

namespace GptPlayground.Services;

/// <summary>
/// Counts who is generating on each model, so that one browser session cannot unload a model while
/// another generates on it (<see cref="ModelCatalog.Unload"/> disposes the ONNX Runtime session
/// under the generator). Take a lease before <see cref="ModelCatalog.GetAsync"/> and dispose it
/// when generation ends; <see cref="TryUnload"/> refuses while any lease is held.
/// </summary>
public sealed class ModelLeases(ModelCatalog catalog)
{
    readonly Lock gate = new();
    readonly Dictionary<string, int> holders = new(StringComparer.Ordinal);

    /// <summary>Marks <paramref name="model"/> (a catalog name) as in use until the returned lease is disposed.</summary>
    /// <exception cref="Inference.ModelException">No such model in the catalog.</exception>
    public IDisposable Acquire(string model)
    {
        var key = catalog.Resolve(model);
        lock (gate) holders[key] = holders.GetValueOrDefault(key) + 1;
        return new Lease(this, key);
    }

    /// <summary>How many generations are running on <paramref name="model"/>.</summary>
    public int InUse(string model)
    {
        var key = catalog.Resolve(model);
        lock (gate) return holders.GetValueOrDefault(key);
    }

    /// <summary>Unloads <paramref name="model"/> unless someone is generating on it.</summary>
    /// <param name="model">A catalog name.</param>
    /// <param name="refusal">Why it was not unloaded, for the user; null when it was (or was not loaded).</param>
    /// <returns>False when the model is in use.</returns>
    /// <exception cref="Inference.ModelException">No such model in the catalog.</exception>
    public bool TryUnload(string model, out string? refusal)
    {
        var key = catalog.Resolve(model);
        lock (gate)
        {
            int n = holders.GetValueOrDefault(key);
            if (n > 0)
            {
                refusal = $"{model} is generating in {n} session{(n == 1 ? "" : "s")}; unload it when {(n == 1 ? "that finishes" : "they finish")}";
                return false;
            }
            catalog.Unload(key);
            refusal = null;
            return true;
        }
    }

    void Release(string key)
    {
        lock (gate)
        {
            if (--holders[key] == 0) holders.Remove(key);
        }
    }

    sealed class Lease(ModelLeases owner, string key) : IDisposable
    {
        int disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) owner.Release(key);
        }
    }
}
