using GptPlayground.Notebooks;

namespace GptPlayground.Notebooks.Tests;

/// <summary>
/// Mutates notebook files (the shipped examples and generated notebooks) line by line and character by character.
/// Every mutant either parses (and then writes a canonical text that reads back the same) or throws
/// <see cref="NotebookFormatException"/>; any other exception fails the test.
/// </summary>
public class MutationFuzzTests
{
    const int CasesPerSource = 250;

    static readonly string[] Inserts =
    [
        "```", "````", "~~~", "```input", "```decoding x", "```output x tokens=zz", "```example-output", "```cell", "```markdown-cell",
        "---", "...", "## Zero-shot: m", "## Few-shot:", "# Instruction", "<!-- cell -->", "<!--", "title: [", "max_new_tokens: -", "  - x",
        "variables:", "{{", ": :", "\t", "\r", "\0", "\uFEFF", "é", "🙂", "", " ", "- a: [b", "&anchor x", "*alias", "!!binary x", "%YAML 1.2",
        "? complex", "|", ">-", "\"unclosed", "'unclosed", "stop: [\"a\"", "seed: 18446744073709551616", "do_sample: maybe", "top_k: 1.5",
    ];

    public static TheoryData<string> Sources()
    {
        var data = new TheoryData<string>();
        foreach (var f in TestFiles.Examples()) data.Add("example:" + Path.GetFileName(f));
        for (int i = 0; i < 4; i++) data.Add("generated:" + i);
        return data;
    }

    static string Load(string source)
    {
        var (kind, name) = (source[..source.IndexOf(':')], source[(source.IndexOf(':') + 1)..]);
        if (kind == "example") return File.ReadAllText(Path.Combine(TestFiles.PromptsDirectory, name));
        var rng = new Random(1000 + int.Parse(name));
        Notebook n;
        do n = TestFiles.RandomNotebook(rng); while (n.Cells.Count < 3);
        return NotebookFormat.Write(n);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Mutants_parse_or_fail_with_the_format_error(string source)
    {
        var text = Load(source);
        var rng = new Random(source.GetHashCode(StringComparison.Ordinal) & 0x7fffffff ^ 12345);
        int parsed = 0, failed = 0;
        for (int i = 0; i < CasesPerSource; i++)
        {
            var mutant = Mutate(text, rng);
            Notebook n;
            try
            {
                n = NotebookFormat.Parse(mutant);
            }
            catch (NotebookFormatException e)
            {
                Assert.True(e.Line is null or >= 1, $"{source} case {i}: line {e.Line}");
                failed++;
                continue;
            }
            catch (Exception e)
            {
                Assert.Fail($"{source} case {i}: {e.GetType().Name} escaped: {e.Message}\n--- mutant ---\n{mutant}");
                return;
            }
            parsed++;
            string canonical;
            try { canonical = NotebookFormat.Write(n); }
            catch (NotebookFormatException) { continue; }      // e.g. a hand-edited variable name that cannot be written: refused, never half-written
            var again = NotebookFormat.Parse(canonical);
            Assert.True(NotebookComparer.Equal(n, again), $"{source} case {i}: canonical form reads back differently\n--- mutant ---\n{mutant}\n--- canonical ---\n{canonical}");
            Assert.Equal(canonical, NotebookFormat.Write(again));
        }
        Assert.Equal(CasesPerSource, parsed + failed);
    }

    static string Mutate(string text, Random rng)
    {
        var lines = text.Split('\n').ToList();
        int count = rng.Next(1, 4);
        for (int m = 0; m < count; m++)
        {
            int at = rng.Next(lines.Count);
            switch (rng.Next(9))
            {
                case 0: if (lines.Count > 1) lines.RemoveAt(at); break;
                case 1: lines.Insert(at, lines[at]); break;
                case 2: lines.Insert(at, Inserts[rng.Next(Inserts.Length)]); break;
                case 3:
                    int other = rng.Next(lines.Count);
                    (lines[at], lines[other]) = (lines[other], lines[at]);
                    break;
                case 4:
                    if (lines[at].Length > 0)
                    {
                        var chars = lines[at].ToCharArray();
                        const string Specials = "`~-#:{}[]\"' \t\r|>*&!%@";
                        chars[rng.Next(chars.Length)] = Specials[rng.Next(Specials.Length)];
                        lines[at] = new string(chars);
                    }
                    break;
                case 5: lines[at] = lines[at] + Inserts[rng.Next(Inserts.Length)]; break;
                case 6: lines = lines.Take(at + 1).ToList(); break;                       // truncated file
                case 7: lines[at] = "  " + lines[at]; break;                               // indentation change
                default:
                    if (lines[at].Length > 1) lines[at] = lines[at][..rng.Next(lines[at].Length)];
                    break;
            }
        }
        // files are bytes: a mutation that split a surrogate pair reads back as U+FFFD, as it would from disk
        var result = System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", lines)));
        return rng.Next(10) == 0 ? result.Replace("\n", "\r\n") : result;
    }
}
