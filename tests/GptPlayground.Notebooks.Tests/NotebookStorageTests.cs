using System.Text;
using GptPlayground.Notebooks;

namespace GptPlayground.Notebooks.Tests;

public sealed class NotebookStorageTests : IDisposable
{
    readonly string root = Path.Combine(Path.GetTempPath(), "nbstore-" + Guid.NewGuid().ToString("N"));
    readonly string outside;
    readonly NotebookStorage storage;

    public NotebookStorageTests()
    {
        storage = new NotebookStorage(Path.Combine(root, "prompts"));
        outside = Path.Combine(root, "outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "secret.md"), "---\ntitle: secret\n---\n");
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    static Notebook Sample(string title = "t") => new() { Title = title, Cells = [new ZeroShotCell { Name = "a", Input = "x" }] };

    string[] FilesInFolder() => Directory.GetFiles(storage.Root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(storage.Root, f)).Order().ToArray();

    [Fact]
    public void Save_then_open_gives_the_notebook_and_its_version()
    {
        var saved = storage.SaveAs("a.md", Sample());

        var opened = storage.Open("a.md");

        Assert.Equal(saved.Version, opened.Version);
        Assert.True(NotebookComparer.Equal(Sample(), opened.Notebook));
        Assert.Equal(["a.md"], FilesInFolder());
    }

    [Fact]
    public void Save_leaves_no_temporary_file_and_replaces_in_one_rename()
    {
        var first = storage.SaveAs("a", Sample("one"));

        storage.Save("a", Sample("two"), first.Version);

        Assert.Equal(["a.md"], FilesInFolder());
        Assert.Equal("two", storage.Open("a.md").Notebook.Title);
    }

    [Fact]
    public void A_notebook_that_cannot_be_written_leaves_the_file_untouched()
    {
        var first = storage.SaveAs("a.md", Sample("one"));
        var before = File.ReadAllBytes(Path.Combine(storage.Root, "a.md"));
        var bad = Sample("two");
        bad.Variables.Add(new("not a name", "x"));

        Assert.Throws<NotebookFormatException>(() => storage.Save("a.md", bad, first.Version));

        Assert.Equal(before, File.ReadAllBytes(Path.Combine(storage.Root, "a.md")));
        Assert.Equal(["a.md"], FilesInFolder());
    }

    [Fact]
    public void Text_that_does_not_parse_is_never_saved()
    {
        var first = storage.SaveAs("a.md", Sample("one"));
        var before = File.ReadAllBytes(Path.Combine(storage.Root, "a.md"));

        Assert.Throws<NotebookFormatException>(() => storage.SaveText("a.md", "---\ntitle: [\n---\n", first.Version));

        Assert.Equal(before, File.ReadAllBytes(Path.Combine(storage.Root, "a.md")));
        Assert.Equal(["a.md"], FilesInFolder());
    }

    [Fact]
    public void Conflict_keeps_both_versions()
    {
        var opened = storage.SaveAs("a.md", Sample("mine"));
        File.WriteAllText(Path.Combine(storage.Root, "a.md"), "---\ntitle: theirs\n---\n");

        var e = Assert.Throws<NotebookConflictException>(() => storage.Save("a.md", Sample("mine, edited"), opened.Version));

        Assert.Equal("theirs", storage.Open("a.md").Notebook.Title);
        Assert.Equal("mine, edited", storage.Open(e.CopyName).Notebook.Title);
        Assert.StartsWith("a.conflict-", e.CopyName);
        Assert.Contains("changed on disk", e.Message);
    }

    [Fact]
    public void Save_as_an_existing_name_is_a_conflict_not_an_overwrite()
    {
        storage.SaveAs("a.md", Sample("first"));

        var e = Assert.Throws<NotebookConflictException>(() => storage.SaveAs("a.md", Sample("second")));

        Assert.Equal("first", storage.Open("a.md").Notebook.Title);
        Assert.Equal("second", storage.Open(e.CopyName).Notebook.Title);
    }

    [Theory]
    [InlineData("../outside/secret.md")]
    [InlineData("..")]
    [InlineData("a/../../outside/secret.md")]
    [InlineData("/etc/passwd")]
    [InlineData("..\\outside\\secret.md")]
    [InlineData("C:\\x.md")]
    [InlineData(".trash/x.md")]
    [InlineData("")]
    [InlineData("a\0b.md")]
    [InlineData("./a.md")]
    [InlineData("a//b.md")]
    public void Names_that_leave_the_folder_are_refused(string name)
    {
        Assert.Throws<NotebookStorageException>(() => storage.Open(name));
        Assert.Throws<NotebookStorageException>(() => storage.SaveAs(name, Sample()));
        Assert.Throws<NotebookStorageException>(() => storage.Delete(name));
        Assert.Equal("---\ntitle: secret\n---\n", File.ReadAllText(Path.Combine(outside, "secret.md")));
    }

    [Fact]
    public void Links_pointing_outside_are_refused()
    {
        File.CreateSymbolicLink(Path.Combine(storage.Root, "link.md"), Path.Combine(outside, "secret.md"));
        Directory.CreateSymbolicLink(Path.Combine(storage.Root, "dir"), outside);

        Assert.Throws<NotebookStorageException>(() => storage.Open("link.md"));
        Assert.Throws<NotebookStorageException>(() => storage.Open("dir/secret.md"));
        Assert.Throws<NotebookStorageException>(() => storage.SaveAs("dir/new.md", Sample()));
        Assert.Throws<NotebookStorageException>(() => storage.Save("link.md", Sample(), null));
        Assert.False(File.Exists(Path.Combine(outside, "new.md")));
        Assert.Equal("---\ntitle: secret\n---\n", File.ReadAllText(Path.Combine(outside, "secret.md")));
    }

    [Fact]
    public void Links_inside_the_folder_are_followed()
    {
        storage.SaveAs("real.md", Sample("real"));
        File.CreateSymbolicLink(Path.Combine(storage.Root, "alias.md"), Path.Combine(storage.Root, "real.md"));

        Assert.Equal("real", storage.Open("alias.md").Notebook.Title);
    }

    [Fact]
    public void Listing_enters_no_linked_folder_so_a_loop_or_an_outside_link_shows_nothing_extra()
    {
        storage.SaveAs("real.md", Sample("real"));
        Directory.CreateSymbolicLink(Path.Combine(storage.Root, "self"), storage.Root);      // a loop
        Directory.CreateSymbolicLink(Path.Combine(storage.Root, "usr"), outside);           // outside names and times
        File.CreateSymbolicLink(Path.Combine(storage.Root, "leak.md"), Path.Combine(outside, "secret.md"));

        var names = storage.List().Select(i => i.Name);

        Assert.Equal(["real.md"], names);
    }

    [Fact]
    public void A_name_part_over_200_bytes_is_refused_with_the_limit_and_one_at_200_saves_and_deletes()
    {
        var e = Assert.Throws<NotebookStorageException>(() => storage.SaveAs(new string('a', 251) + ".md", Sample()));
        Assert.Contains("at most 200 bytes", e.Message);

        var longest = new string('b', 197) + ".md";
        storage.SaveAs(longest, Sample("long"));
        var entry = storage.Delete(longest);
        Assert.Equal(longest, storage.Restore(entry.Id));
        Assert.Equal("long", storage.Open(longest).Notebook.Title);
    }

    [Fact]
    public void A_cjk_name_saves_deletes_and_restores()
    {
        var name = new string('語', 60) + ".md";   // 180 bytes; percent-escaped it would be 540
        storage.SaveAs(name, Sample("cjk"));

        var entry = storage.Delete(name);

        Assert.Equal(name, Assert.Single(storage.Trash()).Name);
        Assert.Equal(name, storage.Restore(entry.Id));
        Assert.Equal("cjk", storage.Open(name).Notebook.Title);
    }

    [Fact]
    public void Temporary_files_of_interrupted_saves_are_removed_at_start_unless_fresh()
    {
        var old1 = Path.Combine(storage.Root, ".a.md.0123456789abcdef0123456789abcdef.tmp");
        var old2 = Path.Combine(storage.Root, NotebookStorage.TempPrefix + "0123456789abcdef0123456789abcdef.tmp");
        var fresh = Path.Combine(storage.Root, NotebookStorage.TempPrefix + "fedcba9876543210fedcba9876543210.tmp");
        var other = Path.Combine(storage.Root, ".editor-swap.tmp");
        foreach (var f in new[] { old1, old2, fresh, other }) File.WriteAllText(f, "partial");
        foreach (var f in new[] { old1, old2, other }) File.SetLastWriteTimeUtc(f, DateTime.UtcNow.AddHours(-1));

        _ = new NotebookStorage(storage.Root);

        Assert.False(File.Exists(old1));
        Assert.False(File.Exists(old2));
        Assert.True(File.Exists(fresh));    // another process may be saving right now
        Assert.True(File.Exists(other));    // not ours
    }

    [Theory]
    [InlineData("a..%2fenc2", "a..%2fenc2.md")]        // was cut at the last dot: "a..md"
    [InlineData("v1.2", "v1.2.md")]
    [InlineData("notes.md", "notes.md")]
    [InlineData("sub/Plan.MD", "sub/Plan.md")]
    public void Free_names_keep_every_dot_but_the_md_extension(string asked, string expected)
    {
        Assert.Equal(expected, storage.FreeName(asked));
    }

    [Fact]
    public void A_name_starting_with_dots_is_refused_not_cut()
    {
        var e = Assert.Throws<NotebookStorageException>(() => storage.FreeName("..%2fenc2"));

        Assert.Contains("'..%2fenc2.md'", e.Message);
    }

    [Fact]
    public void A_taken_name_gets_the_next_number()
    {
        storage.SaveAs("a.md", Sample());
        storage.SaveAs("a-2.md", Sample());

        Assert.Equal("a-3.md", storage.FreeName("a"));
    }

    [Theory]
    [InlineData("%2e%2e/x.md", "x.md")]
    [InlineData("../../etc/x.md", "x.md")]
    [InlineData("C:\\Users\\me\\x.md", "x.md")]
    [InlineData("plain.md", "plain.md")]
    [InlineData("/", "upload.md")]
    public void An_uploaded_file_name_is_its_last_segment_only(string fileName, string expected)
    {
        Assert.Equal(expected, NotebookStorage.UploadName(fileName));
    }

    [Fact]
    public void Files_over_5_MB_are_refused()
    {
        File.WriteAllText(Path.Combine(storage.Root, "big.md"), new string('a', (int)NotebookStorage.MaxBytes + 1));
        var big = Sample();
        big.Cells.Add(new MarkdownCell(new string('b', (int)NotebookStorage.MaxBytes)));

        var read = Assert.Throws<NotebookFormatException>(() => storage.Open("big.md"));
        var write = Assert.Throws<NotebookStorageException>(() => storage.SaveAs("big2.md", big));

        Assert.Contains("over 5 MB", read.Message);
        Assert.Contains("over 5 MB", write.Message);
        Assert.False(storage.Exists("big2.md"));
    }

    [Fact]
    public void Files_that_are_not_utf8_are_refused_with_the_line()
    {
        File.WriteAllBytes(Path.Combine(storage.Root, "latin1.md"), [.. Encoding.ASCII.GetBytes("---\ntitle: caf"), 0xE9, (byte)'\n', .. Encoding.ASCII.GetBytes("---\n")]);

        var e = Assert.Throws<NotebookFormatException>(() => storage.Open("latin1.md"));

        Assert.Equal(2, e.Line);
        Assert.Contains("not valid UTF-8", e.Message);
    }

    [Fact]
    public void Delete_moves_to_trash_and_restore_brings_it_back()
    {
        storage.SaveAs("sub/a.md", Sample("kept"));

        var entry = storage.Delete("sub/a.md");

        Assert.False(storage.Exists("sub/a.md"));
        Assert.Equal("sub/a.md", Assert.Single(storage.Trash()).Name);
        Assert.Empty(storage.List());
        Assert.Equal("sub/a.md", storage.Restore(entry.Id));
        Assert.Equal("kept", storage.Open("sub/a.md").Notebook.Title);
        Assert.Empty(storage.Trash());
    }

    [Fact]
    public void Rename_and_duplicate_keep_the_content()
    {
        storage.SaveAs("a.md", Sample("x"));

        var renamed = storage.Rename("a.md", "b");
        var copy = storage.Duplicate("b.md");
        var copy2 = storage.Duplicate("b.md");

        Assert.Equal("b.md", renamed);
        Assert.Equal("b copy.md", copy);
        Assert.Equal("b copy 2.md", copy2);
        Assert.Equal(["b copy 2.md", "b copy.md", "b.md"], storage.List().Select(i => i.Name));
        Assert.Throws<NotebookStorageException>(() => storage.Rename("b.md", "b copy.md"));
    }

    [Fact]
    public void List_reports_broken_files_instead_of_failing()
    {
        storage.SaveAs("good.md", Sample("good"));
        File.WriteAllText(Path.Combine(storage.Root, "bad.md"), "---\ntitle: [\n");

        var list = storage.List();

        Assert.Equal("good", list.Single(i => i.Name == "good.md").Title);
        Assert.NotNull(list.Single(i => i.Name == "bad.md").Error);
    }

    [Fact]
    public void Mutated_files_either_open_or_fail_and_nothing_is_written()
    {
        var text = NotebookFormat.Write(Sample("base"));
        var rng = new Random(7);
        for (int i = 0; i < 200; i++)
        {
            var chars = text.ToCharArray();
            chars[rng.Next(chars.Length)] = "`-#:{\n\r"[rng.Next(7)];
            File.WriteAllText(Path.Combine(storage.Root, "m.md"), new string(chars));
            var before = File.ReadAllBytes(Path.Combine(storage.Root, "m.md"));
            try
            {
                var loaded = storage.Open("m.md");
                storage.Save("m.md", loaded.Notebook, loaded.Version);
            }
            catch (NotebookFormatException)
            {
                Assert.Equal(before, File.ReadAllBytes(Path.Combine(storage.Root, "m.md")));
            }
            Assert.Equal(["m.md"], FilesInFolder());
        }
    }
}
