using System.Diagnostics;
using GptPlayground.Inference.Models;

namespace GptPlayground.Inference.Generation;

/// <summary>
/// Continuous batching over one <see cref="Generator"/>: sequence groups (requests) join and leave at step boundaries,
/// and every step feeds one token per row of every group in a single model run.
/// </summary>
/// <remarks>
/// <para>
/// Joining: the group's prompts are prefilled in a generator of their own, its first tokens chosen from that
/// prefill's logits (the first token streams before the group ever shares a step), then its rows and KV cache are
/// appended to the batch. The shorter side is left-padded: masks hide the padding and positions count from each
/// row's first real token, so a row's logits do not depend on the rows around it (up to the last bits of float
/// sums whose kernels change with the batch size; see docs/performance.md).
/// </para>
/// <para>
/// Leaving: after a step each group says which of its rows go on (and, for beam search, as copies of which rows);
/// the batch keeps exactly those rows in one copy of the KV cache, dropping left padding that no row needs any
/// more. A cancelled group leaves at the next step.
/// </para>
/// <para>
/// With the KV cache in GPU memory rows cannot be copied in place; the batch is then rebuilt by prefilling the
/// remaining rows' tokens again whenever its rows change (correct, slower; <see cref="RebuildAlways"/> tests that path on CPU).
/// </para>
/// Not thread-safe: one thread drives a decoder (the scheduler's loop, or a caller generating alone).
/// </remarks>
internal sealed class BatchDecoder(LanguageModel model) : IDisposable
{
    sealed class Member(SequenceGroup group, int rows)
    {
        public SequenceGroup Group { get; } = group;
        public int Rows { get; set; } = rows;
    }

    readonly List<Member> members = [];
    List<int> pending = [];                 // the next token of every row, in row order, not yet fed
    Generator? batch;

    /// <summary>Rows decoded together at the next step.</summary>
    public int Rows => pending.Count;

    /// <summary>Groups (requests) in the batch.</summary>
    public int Groups => members.Count;

    /// <summary>True when no group is in the batch.</summary>
    public bool IsEmpty => members.Count == 0;

    /// <summary>Rebuild the batch by prefilling again whenever rows change, as with a GPU cache (tests).</summary>
    public bool RebuildAlways { get; init; }

    /// <summary>The longest <see cref="SequenceGroup.ProjectedLength"/> in the batch.</summary>
    public int ProjectedLength => members.Count == 0 ? 0 : members.Max(m => m.Group.ProjectedLength);

    /// <summary>
    /// Prefills the groups' prompts, reports their first tokens and adds their rows to the batch (unless a group ended
    /// at once). A prompt that several rows share (samples of one request, variants of one cell) is prefilled once and
    /// its cache copied. Errors end the groups concerned (their sinks hear them); the batch is unaffected.
    /// </summary>
    /// <param name="groups">The groups to admit.</param>
    /// <param name="cancellationToken">Stops the prefill too (besides the groups' own tokens).</param>
    public void Join(IReadOnlyList<SequenceGroup> groups, CancellationToken cancellationToken = default)
    {
        var live = new List<SequenceGroup>();
        foreach (var group in groups)
            if (group.Cancellation.IsCancellationRequested) group.End(new OperationCanceledException(group.Cancellation));
            else live.Add(group);
        if (live.Count == 0) return;
        Generator? joining = null;
        try
        {
            var clock = Stopwatch.StartNew();
            joining = Prefill(live, cancellationToken);
            var prefill = clock.Elapsed;
            var sources = new List<int>();
            var tokens = new List<int>();
            var joined = new List<Member>();
            int offset = 0;
            foreach (var group in live)
            {
                group.Stats.Prefill += prefill;
                IReadOnlyList<RowStep> plan;
                try { plan = group.Advance(joining, offset); }
                catch (Exception e) { group.End(e); plan = []; }
                foreach (var p in plan) { sources.Add(offset + p.Source); tokens.Add(p.Token); }
                offset += group.Prompts.Count;
                if (plan.Count == 0) group.End();
                else joined.Add(new Member(group, plan.Count));
            }
            if (joined.Count == 0) return;
            joining = Keep(joining, sources);
            if (batch is null) (batch, joining) = (joining, null);
            else batch = Merge(batch, joining);
            members.AddRange(joined);
            pending.AddRange(tokens);
        }
        catch (Exception e)
        {
            foreach (var group in live)
                group.End(e is OperationCanceledException ? new OperationCanceledException(group.Cancellation) : e);
        }
        finally
        {
            joining?.Dispose();
        }
    }

    /// <summary>Joins one group (<see cref="Join(IReadOnlyList{SequenceGroup}, CancellationToken)"/>).</summary>
    public void Join(SequenceGroup group, CancellationToken cancellationToken = default) => Join([group], cancellationToken);

    /// <summary>
    /// A generator holding every row of <paramref name="groups"/>, in order, prefilled, with logits. On CPU each distinct
    /// prompt runs once, alone (no padding), and rows sharing it get copies; otherwise all rows run as one left-padded batch.
    /// </summary>
    Generator Prefill(IReadOnlyList<SequenceGroup> groups, CancellationToken cancellationToken)
    {
        var rows = groups.SelectMany(g => g.Prompts).ToArray();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, groups.Count == 1 ? groups[0].Cancellation : CancellationToken.None);
        var distinct = new List<int[]>();
        var rowOf = rows.Select(row =>
        {
            int at = distinct.FindIndex(d => d.AsSpan().SequenceEqual(row));
            if (at < 0) { distinct.Add(row); at = distinct.Count - 1; }
            return at;
        }).ToArray();
        Generator? joined = null;
        try
        {
            foreach (var prompt in distinct)
            {
                var one = new Generator(model, 1);
                try
                {
                    one.AppendTokens([prompt], linked.Token);
                    if (joined is null) { joined = one; one = null; continue; }
                    if (!joined.CanRearrange || RebuildAlways) break;
                    joined.Absorb(one);
                }
                finally
                {
                    one?.Dispose();
                }
            }
            if (joined!.CanRearrange && !RebuildAlways)
            {
                joined.Rearrange(rowOf);
                return joined;
            }
            joined.Dispose();
            joined = new Generator(model, rows.Length);                 // GPU cache: one left-padded batch of every row
            joined.AppendTokens(rows, linked.Token);
            return joined;
        }
        catch
        {
            joined?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// One decode step: cancelled groups leave, every row's pending token is fed in one model run, each group chooses
    /// its next tokens, and finished rows and groups leave. A failed run ends every group with the error.
    /// </summary>
    /// <param name="cancellationToken">Cancels the whole batch (every group ends cancelled).</param>
    public void Step(CancellationToken cancellationToken = default)
    {
        LeaveCancelled();
        if (batch is null) return;
        var clock = Stopwatch.StartNew();
        var ortBefore = batch.OrtRunTime;
        try
        {
            batch.AppendTokens(pending.Select(t => new[] { t }).ToArray(), cancellationToken);
        }
        catch (Exception e)
        {
            EndAll(e);
            return;
        }
        var run = clock.Elapsed;
        var ort = batch.OrtRunTime - ortBefore;

        var sources = new List<int>(pending.Count);
        var next = new List<int>(pending.Count);
        int offset = 0;
        foreach (var member in members.ToArray())
        {
            var started = clock.Elapsed;
            IReadOnlyList<RowStep> plan;
            try { plan = member.Group.Advance(batch, offset); }
            catch (Exception e) { member.Group.End(e); plan = []; }
            var stats = member.Group.Stats;
            stats.Decode += run + (clock.Elapsed - started);
            stats.DecodeOrtRun += ort;
            stats.DecodeSteps++;
            foreach (var p in plan) { sources.Add(offset + p.Source); next.Add(p.Token); }
            offset += member.Rows;
            member.Rows = plan.Count;
            if (plan.Count == 0) { member.Group.End(); members.Remove(member); }
        }
        pending = next;
        KeepOrEnd(sources);
    }

    /// <summary>Groups whose token was cancelled leave the batch now (their rows are freed before the next run).</summary>
    void LeaveCancelled()
    {
        if (!members.Any(m => m.Group.Cancellation.IsCancellationRequested)) return;
        var sources = new List<int>();
        var next = new List<int>();
        int offset = 0;
        foreach (var member in members.ToArray())
        {
            if (member.Group.Cancellation.IsCancellationRequested)
            {
                member.Group.End(new OperationCanceledException(member.Group.Cancellation));
                members.Remove(member);
            }
            else
                for (int r = 0; r < member.Rows; r++) { sources.Add(offset + r); next.Add(pending[offset + r]); }
            offset += member.Rows;
        }
        pending = next;
        KeepOrEnd(sources);
    }

    /// <summary>Keeps the batch rows <paramref name="sources"/>; if copying fails, every group ends with the error.</summary>
    void KeepOrEnd(IReadOnlyList<int> sources)
    {
        try { Keep(sources); }
        catch (Exception e) { EndAll(e); }
    }

    /// <summary>Keeps the batch rows <paramref name="sources"/> (all gone: the batch is released).</summary>
    void Keep(IReadOnlyList<int> sources)
    {
        if (batch is null) return;
        if (sources.Count == 0) { batch.Dispose(); batch = null; return; }
        batch = Keep(batch, sources);
    }

    /// <summary>Row r of the result is row sources[r] of <paramref name="generator"/>; in place on CPU, else rebuilt.</summary>
    Generator Keep(Generator generator, IReadOnlyList<int> sources)
    {
        if (IsIdentity(sources, generator.BatchSize)) return generator;
        if (generator.CanRearrange && !RebuildAlways)
        {
            generator.Rearrange(sources);
            return generator;
        }
        var rebuilt = Rebuild(sources.Select(s => generator.Tokens(s)).ToArray());
        generator.Dispose();
        return rebuilt;
    }

    /// <summary>True when <paramref name="sources"/> keeps every row of a batch of <paramref name="rows"/> in place (most steps: no copy).</summary>
    static bool IsIdentity(IReadOnlyList<int> sources, int rows)
    {
        if (sources.Count != rows) return false;
        for (int i = 0; i < rows; i++) if (sources[i] != i) return false;
        return true;
    }

    /// <summary>The rows of <paramref name="joining"/> appended to <paramref name="current"/>; in place on CPU, else rebuilt.</summary>
    Generator Merge(Generator current, Generator joining)
    {
        if (current.CanRearrange && joining.CanRearrange && !RebuildAlways)
        {
            current.Absorb(joining);
            return current;
        }
        var rows = Enumerable.Range(0, current.BatchSize).Select(r => current.Tokens(r))
            .Concat(Enumerable.Range(0, joining.BatchSize).Select(r => joining.Tokens(r))).ToArray();
        var rebuilt = Rebuild(rows);
        current.Dispose();
        return rebuilt;
    }

    /// <summary>A new batch holding <paramref name="rows"/>' tokens, prefilled (left-padded) from scratch.</summary>
    Generator Rebuild(IReadOnlyList<IReadOnlyList<int>> rows)
    {
        var generator = new Generator(model, rows.Count);
        try
        {
            generator.AppendTokens(rows.Select(r => r.ToArray()).ToArray());
            return generator;
        }
        catch
        {
            generator.Dispose();
            throw;
        }
    }

    /// <summary>Ends every group with <paramref name="error"/> and releases the batch.</summary>
    void EndAll(Exception error)
    {
        foreach (var member in members)
            member.Group.End(error is OperationCanceledException ? new OperationCanceledException(member.Group.Cancellation) : error);
        members.Clear();
        pending = [];
        batch?.Dispose();
        batch = null;
    }

    /// <summary>Ends any group still in the batch as cancelled and releases the batch.</summary>
    public void Dispose() => EndAll(new OperationCanceledException("the decoder was disposed"));
}
