namespace GptPlayground.Inference.Models;

/// <summary>
/// Leases: who is using each model, so that nobody unloads a model while another caller generates on it
/// (<see cref="Unload"/> disposes the ONNX Runtime session under the generator). Take a <see cref="Lease"/> before
/// <see cref="GetAsync"/> and dispose it when done; <see cref="TryUnload"/> refuses while any lease is held.
/// </summary>
public sealed partial class ModelCatalog
{
    readonly Lock leaseGate = new();
    readonly Dictionary<string, int> holders = new(StringComparer.Ordinal);

    /// <summary>Marks <paramref name="model"/> (a catalog name or path) as in use until the returned lease is disposed.</summary>
    /// <exception cref="ModelException">No such model in the catalog.</exception>
    public IDisposable Lease(string model)
    {
        var key = Resolve(model);
        lock (leaseGate) holders[key] = holders.GetValueOrDefault(key) + 1;
        return new ModelLease(this, key);
    }

    /// <summary>How many leases are held on <paramref name="model"/> (generations running on it).</summary>
    public int InUse(string model)
    {
        var key = Resolve(model);
        lock (leaseGate) return holders.GetValueOrDefault(key);
    }

    /// <summary>Unloads <paramref name="model"/> unless someone holds a lease on it.</summary>
    /// <param name="model">A catalog name.</param>
    /// <param name="refusal">Why it was not unloaded, for the user; null when it was (or was not loaded).</param>
    /// <returns>False when the model is in use.</returns>
    /// <exception cref="ModelException">No such model in the catalog.</exception>
    public bool TryUnload(string model, out string? refusal)
    {
        var key = Resolve(model);
        lock (leaseGate)
        {
            int n = holders.GetValueOrDefault(key);
            if (n > 0)
            {
                refusal = $"{model} is generating in {n} session{(n == 1 ? "" : "s")}; unload it when {(n == 1 ? "that finishes" : "they finish")}";
                return false;
            }
            Unload(key);
            refusal = null;
            return true;
        }
    }

    void Release(string key)
    {
        lock (leaseGate)
        {
            if (--holders[key] == 0) holders.Remove(key);
        }
    }

    sealed class ModelLease(ModelCatalog owner, string key) : IDisposable
    {
        int disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) owner.Release(key);
        }
    }
}
