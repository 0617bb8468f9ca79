namespace GptPlayground.Decoding;

/// <summary>
/// xoshiro256** (Blackman and Vigna, "Scrambled linear pseudorandom number generators", 2018,
/// https://prng.di.unimi.it/), seeded through SplitMix64. Implemented here so that seeded sampling gives
/// the same draws on every .NET version and platform (System.Random's algorithm is not part of its contract).
/// </summary>
/// <remarks>
/// Streams: <see cref="ForStream"/> gives sequence <c>i</c> of a request the base generator advanced by
/// <c>i</c> jumps of 2^128 draws, so the streams of one seed never overlap. Not thread-safe.
/// </remarks>
public sealed class Xoshiro256
{
    ulong s0, s1, s2, s3;

    /// <summary>A generator whose state is four SplitMix64 outputs of <paramref name="seed"/>.</summary>
    public Xoshiro256(ulong seed)
    {
        ulong x = seed;
        s0 = SplitMix64(ref x); s1 = SplitMix64(ref x); s2 = SplitMix64(ref x); s3 = SplitMix64(ref x);
    }

    /// <summary>Stream <paramref name="stream"/> (&gt;= 0) of <paramref name="seed"/>: the seed's generator jumped <paramref name="stream"/> times.</summary>
    public static Xoshiro256 ForStream(ulong seed, int stream)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stream);
        var g = new Xoshiro256(seed);
        for (int i = 0; i < stream; i++) g.Jump();
        return g;
    }

    /// <summary>SplitMix64 (Steele, Lea, Flood 2014): advances <paramref name="state"/> and returns a well-mixed value.</summary>
    public static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1) from the top 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Advances the state by 2^128 draws (the reference jump polynomial).</summary>
    public void Jump()
    {
        ReadOnlySpan<ulong> jump = [0x180EC6D33CFD0ABAUL, 0xD5A61266F0C9392CUL, 0xA9582618E03FC9AAUL, 0x39ABDC4529B1661CUL];
        ulong t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        foreach (var word in jump)
            for (int b = 0; b < 64; b++)
            {
                if ((word & (1UL << b)) != 0) { t0 ^= s0; t1 ^= s1; t2 ^= s2; t3 ^= s3; }
                NextUInt64();
            }
        s0 = t0; s1 = t1; s2 = t2; s3 = t3;
    }
}
