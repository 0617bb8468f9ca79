namespace GptPlayground.Inference.Serving;

/// <summary>
/// Waiting requests served round-robin across sessions: a FIFO per session, sessions in rotation. A session that
/// queued ten requests gets one served, then every other waiting session gets one, then its next. Not thread-safe.
/// </summary>
internal sealed class FairLine<T>(Func<T, string> sessionOf) where T : class
{
    readonly LinkedList<string> rotation = new();                   // sessions with waiting requests, next to serve first
    readonly Dictionary<string, Queue<T>> bySession = new(StringComparer.Ordinal);

    /// <summary>Requests waiting.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a request at the end of its session's FIFO.</summary>
    public void Enqueue(T request)
    {
        var session = sessionOf(request);
        if (!bySession.TryGetValue(session, out var queue))
        {
            bySession[session] = queue = new Queue<T>();
            rotation.AddLast(session);
        }
        queue.Enqueue(request);
        Count++;
    }

    /// <summary>The request that would be served next, or null.</summary>
    public T? Peek() => rotation.First is { } first ? bySession[first.Value].Peek() : null;

    /// <summary>Serves the next request: its session then waits behind every other waiting session.</summary>
    public T? Dequeue()
    {
        if (rotation.First is not { } first) return null;
        var session = first.Value;
        var queue = bySession[session];
        var request = queue.Dequeue();
        rotation.RemoveFirst();
        if (queue.Count > 0) rotation.AddLast(session);
        else bySession.Remove(session);
        Count--;
        return request;
    }

    /// <summary>Takes a waiting request out of the line; false if it was not waiting.</summary>
    public bool Remove(T request)
    {
        var session = sessionOf(request);
        if (!bySession.TryGetValue(session, out var queue) || !queue.Contains(request)) return false;
        var rest = queue.Where(r => r != request).ToList();
        if (rest.Count == 0) { bySession.Remove(session); rotation.Remove(session); }
        else bySession[session] = new Queue<T>(rest);
        Count--;
        return true;
    }

    /// <summary>The waiting requests in the order they will be served if nobody else arrives.</summary>
    public IEnumerable<T> InServiceOrder()
    {
        var queues = rotation.Select(s => new Queue<T>(bySession[s])).ToList();
        while (queues.Count > 0)
        {
            var next = new List<Queue<T>>();
            foreach (var q in queues)
            {
                yield return q.Dequeue();
                if (q.Count > 0) next.Add(q);
            }
            queues = next;
        }
    }
}
