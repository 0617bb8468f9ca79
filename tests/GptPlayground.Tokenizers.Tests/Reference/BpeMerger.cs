namespace GptPlayground.Tokenizers.Tests.Reference;

/// <summary>
/// The BPE merge loop: repeatedly merge the adjacent pair with the lowest rank (leftmost first on ties)
/// until no pair has a rule. Symbols form a linked list over an array; candidate pairs wait in a priority
/// queue keyed (rank, position), and a popped pair is used only if it is still current, so a word of
/// n symbols takes O(n log n) (Hugging Face tokenizers' <c>Word::merge_all</c> works the same way).
/// </summary>
internal static class BpeMerger
{
    [ThreadStatic] static Workspace? workspace;

    /// <summary>Merges <paramref name="ids"/>[0..count) in place; returns the number of symbols left at the front.</summary>
    public static int Merge(int[] ids, int count, MergeTable merges)
    {
        if (count < 2) return count;
        var ws = workspace ??= new Workspace();
        ws.EnsureCapacity(count);
        int[] prev = ws.Prev, next = ws.Next;
        var queue = ws.Queue;
        queue.Clear();

        for (int i = 0; i < count; i++)
        {
            prev[i] = i - 1;
            next[i] = i + 1 < count ? i + 1 : -1;
        }
        for (int i = 0; i + 1 < count; i++) Enqueue(i, i + 1);

        while (queue.TryDequeue(out int left, out long priority))
        {
            int right = next[left];
            if (ids[left] < 0 || right < 0) continue;   // stale: left was merged away, or is now last
            if (!merges.TryGet(ids[left], ids[right], out int rank, out int merged) || rank != (int)(priority >> 32))
                continue;                               // stale: the pair at this position has changed
            ids[left] = merged;                         // the merged symbol takes the left slot
            ids[right] = -1;
            int after = next[right];
            next[left] = after;
            if (after >= 0) prev[after] = left;
            if (prev[left] >= 0) Enqueue(prev[left], left);
            if (after >= 0) Enqueue(left, after);
        }

        int n = 0;
        for (int i = 0; i >= 0; i = next[i]) ids[n++] = ids[i];   // slot 0 is never merged away
        return n;

        void Enqueue(int left, int right)
        {
            if (merges.TryGet(ids[left], ids[right], out int rank, out _))
                queue.Enqueue(left, ((long)rank << 32) | (uint)left);
        }
    }

    sealed class Workspace
    {
        public int[] Prev = new int[64];
        public int[] Next = new int[64];
        public readonly PriorityQueue<int, long> Queue = new();

        public void EnsureCapacity(int count)
        {
            if (Prev.Length >= count) return;
            int size = Math.Max(count, Prev.Length * 2);
            Prev = new int[size];
            Next = new int[size];
        }
    }
}
