namespace GptPlayground.Tokenizers.Tests.Reference;

/// <summary>
/// BPE merge rules by token-id pair: (left, right) → (rank, merged id). A lower rank merges first;
/// the rank is the rule's line in the merges list.
/// </summary>
internal sealed class MergeTable
{
    // key: left id in the high half, right id in the low half; value: rank high, merged id low
    readonly Dictionary<long, long> rules;

    public MergeTable(int capacity) => rules = new(capacity, PairComparer.Instance);

    public int Count => rules.Count;

    /// <summary>Adds a rule unless the pair already has one (the first, lowest-ranked rule wins).</summary>
    public void TryAdd(int left, int right, int rank, int merged) =>
        rules.TryAdd(Key(left, right), ((long)rank << 32) | (uint)merged);

    public bool TryGet(int left, int right, out int rank, out int merged)
    {
        if (rules.TryGetValue(Key(left, right), out long value))
        {
            rank = (int)(value >> 32);
            merged = (int)value;
            return true;
        }
        rank = merged = 0;
        return false;
    }

    static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    /// <summary>
    /// long's own hash is <c>high ^ low</c>, i.e. <c>left ^ right</c> here: ids below 2^17 all land in a few
    /// thousand buckets and lookups crawl. A multiplicative (Fibonacci) hash spreads the pairs.
    /// </summary>
    sealed class PairComparer : IEqualityComparer<long>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals(long x, long y) => x == y;

        public int GetHashCode(long key) => (int)(((ulong)key * 0x9E3779B97F4A7C15UL) >> 32);
    }
}
