using System.Security.Cryptography;
using System.Text;

namespace GptPlayground.Notebooks;

/// <summary>A notebook file refused or not found by <see cref="NotebookStorage"/>: a name that leaves the folder, a
/// missing file, a name already taken. An <see cref="IOException"/>, so callers that report I/O errors report these.</summary>
public class NotebookStorageException(string message) : IOException(message);

/// <summary>
/// The file changed on disk since it was opened (or a new notebook's name is taken): nothing was overwritten, the
/// version being saved went to <see cref="CopyName"/>, and the file on disk is as it was.
/// </summary>
public sealed class NotebookConflictException(string name, string copyName)
    : NotebookStorageException($"{name} changed on disk since it was opened: your version was saved as {copyName}; {name} is unchanged. Compare the two and keep what you want.")
{
    /// <summary>The notebook that changed on disk.</summary>
    public string Name { get; } = name;

    /// <summary>Where the version being saved went.</summary>
    public string CopyName { get; } = copyName;
}

/// <summary>The state of a file when it was read or written: the SHA-256 of its bytes.</summary>
/// <param name="Sha256">Lowercase hex digest of the file's bytes.</param>
public sealed record NotebookVersion(string Sha256)
{
    internal static NotebookVersion Of(byte[] bytes) => new(Convert.ToHexStringLower(SHA256.HashData(bytes)));
}

/// <summary>A notebook as read from disk, with the version to pass back to <see cref="NotebookStorage.Save"/>.</summary>
public sealed record LoadedNotebook(string Name, Notebook Notebook, NotebookVersion Version);

/// <summary>One entry of <see cref="NotebookStorage.List"/>.</summary>
/// <param name="Name">Path relative to the prompts folder, with '/' separators ("classification/sentiment.md").</param>
/// <param name="Title">The front matter title, or null (also when the file does not parse).</param>
/// <param name="Bytes">File size.</param>
/// <param name="Modified">Last write time, UTC.</param>
/// <param name="Error">Why the file cannot be opened, or null.</param>
public sealed record NotebookInfo(string Name, string? Title, long Bytes, DateTime Modified, string? Error);

/// <summary>One notebook in the trash folder.</summary>
/// <param name="Id">The file name in the trash folder; pass it to <see cref="NotebookStorage.Restore"/>.</param>
/// <param name="Name">The name it had.</param>
/// <param name="Deleted">When it was deleted, UTC.</param>
public sealed record TrashEntry(string Id, string Name, DateTime Deleted);

/// <summary>
/// Notebooks as markdown files in one folder (<c>prompts/</c> by default): list, open, save, save as, rename,
/// duplicate, delete to a trash folder and restore.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Names are paths relative to the folder ending in ".md"; a name with "..", an absolute path, a hidden segment
/// (".trash"), or a link that points outside the folder is refused.</item>
/// <item>Writes go to a temporary file in the same folder, then replace the target by a rename: a failure never
/// leaves a half-written notebook. The text is produced (and checked) before anything is written.</item>
/// <item><see cref="Save"/> compares the file with the version it was opened at; when it changed, the new version is
/// written beside it and <see cref="NotebookConflictException"/> says where.</item>
/// <item>Files over <see cref="MaxBytes"/> or not valid UTF-8 are refused with a message that says so.</item>
/// </list>
/// </remarks>
public sealed class NotebookStorage
{
    /// <summary>Largest notebook file read or written: 5 MB.</summary>
    public const long MaxBytes = 5 * 1024 * 1024;

    /// <summary>Start of the name of <see cref="WriteAtomic"/>'s temporary files.</summary>
    public const string TempPrefix = ".gptplayground-";

    /// <summary>Longest part of a notebook name between '/', in UTF-8 bytes (file systems stop at 255; the rest is
    /// kept for the trash's time stamp).</summary>
    public const int MaxNamePartBytes = 200;

    /// <summary>Name of the trash folder inside the prompts folder.</summary>
    public const string TrashFolder = ".trash";

    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Opens (and creates when missing) a prompts folder.</summary>
    /// <param name="directory">The folder.</param>
    public NotebookStorage(string directory)
    {
        Directory.CreateDirectory(directory);
        var info = new DirectoryInfo(Path.GetFullPath(directory));
        // the folder itself may be a link (prompts -> /data/prompts): names are checked against where it really is
        Root = info.LinkTarget is not null ? info.ResolveLinkTarget(returnFinalTarget: true)!.FullName : info.FullName;
        Root = Path.TrimEndingDirectorySeparator(Root);
        RemoveOrphanedTempFiles();
    }

    /// <summary>
    /// Removes the temporary files of saves that never finished (the process was killed between write and rename):
    /// <c>.NAME.md.HEX.tmp</c> (older versions) and <c>.gptplayground-HEX.tmp</c>, older than a minute so that a save in
    /// progress in another process is left alone.
    /// </summary>
    void RemoveOrphanedTempFiles()
    {
        var cutoff = DateTime.UtcNow - TimeSpan.FromMinutes(1);
        foreach (var path in NotebookFolders().SelectMany(d => SafeFiles(d, ".*.tmp")))
        {
            var name = Path.GetFileName(path);
            bool ours = name.StartsWith(TempPrefix, StringComparison.Ordinal) || name.Contains(".md.", StringComparison.OrdinalIgnoreCase);
            try { if (ours && File.GetLastWriteTimeUtc(path) < cutoff) File.Delete(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    IEnumerable<string> NotebookFolders()
    {
        var pending = new Stack<(DirectoryInfo Folder, int Depth)>();
        pending.Push((new DirectoryInfo(Root), 0));
        while (pending.Count > 0)
        {
            var (folder, depth) = pending.Pop();
            yield return folder.FullName;
            IEnumerable<DirectoryInfo> subs;
            try { subs = folder.EnumerateDirectories().ToList(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            foreach (var sub in subs)
                if (sub.LinkTarget is null && !sub.Name.StartsWith('.') && depth < MaxListedFolderDepth) pending.Push((sub, depth + 1));
        }
    }

    // "*.md" matches "A.MD" too, and hidden files are not skipped here (temp files start with '.')
    static readonly EnumerationOptions FilesOnly = new() { MatchCasing = MatchCasing.CaseInsensitive, AttributesToSkip = 0 };

    static IEnumerable<string> SafeFiles(string folder, string pattern)
    {
        try { return Directory.GetFiles(folder, pattern, FilesOnly); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }

    /// <summary>Full path of the prompts folder.</summary>
    public string Root { get; }

    /// <summary>
    /// Every notebook (*.md) in the folder and its subfolders, except hidden ones, by name. Links to folders are not
    /// entered (a link loop or a link to / would never end, and a link outside would list outside names); a linked
    /// file is listed only when it stays inside the folder. At most <see cref="MaxListedFolderDepth"/> folders deep.
    /// </summary>
    public IReadOnlyList<NotebookInfo> List()
    {
        var list = new List<NotebookInfo>();
        foreach (var path in NotebookFiles())
        {
            var name = Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '/');
            try { PathOf(name); }
            catch (NotebookStorageException) { continue; }   // a link that leads outside: not ours to show
            var file = new FileInfo(path);
            string? title = null, error = null;
            try { title = Open(name).Notebook.Title; }
            catch (Exception e) when (e is NotebookFormatException or IOException or UnauthorizedAccessException) { error = e.Message; }
            list.Add(new NotebookInfo(name, title, file.Length, file.LastWriteTimeUtc, error));
        }
        return list.OrderBy(i => i.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>How deep <see cref="List"/> looks into subfolders.</summary>
    public const int MaxListedFolderDepth = 16;

    IEnumerable<string> NotebookFiles() =>
        NotebookFolders().SelectMany(folder => SafeFiles(folder, "*.md")).Where(path => !Path.GetFileName(path).StartsWith('.'));

    /// <summary>True when a notebook of that name exists.</summary>
    /// <exception cref="NotebookStorageException">The name is refused.</exception>
    public bool Exists(string name) => File.Exists(PathOf(name));

    /// <summary>Reads and parses a notebook.</summary>
    /// <exception cref="NotebookStorageException">The name is refused or there is no such notebook.</exception>
    /// <exception cref="NotebookFormatException">Too large, not UTF-8, or not a valid notebook (the message names the line).</exception>
    public LoadedNotebook Open(string name)
    {
        var path = PathOf(name);
        var bytes = ReadBytes(name, path);
        return new LoadedNotebook(Normalize(name), Decode(name, bytes), NotebookVersion.Of(bytes));
    }

    /// <summary>The file's current text, checked for size and UTF-8 but not parsed (for a raw editor).</summary>
    public string ReadText(string name) => DecodeText(name, ReadBytes(name, PathOf(name)));

    /// <summary>
    /// Writes a notebook. With <paramref name="openedAt"/> the file must still be at that version; without it the
    /// name must be free. Otherwise nothing is overwritten: the notebook goes to a conflict copy and
    /// <see cref="NotebookConflictException"/> is thrown.
    /// </summary>
    /// <param name="name">Notebook name ("sentiment.md"; ".md" is added when missing).</param>
    /// <param name="notebook">The notebook.</param>
    /// <param name="openedAt">The version it was opened at; null for a new file (save as).</param>
    /// <param name="keepOutputs">Write the cells' last outputs (default false).</param>
    /// <returns>The saved notebook's name and new version.</returns>
    /// <exception cref="NotebookFormatException">The notebook cannot be written (nothing is written).</exception>
    /// <exception cref="NotebookConflictException">The file changed or exists; the notebook was saved beside it.</exception>
    /// <exception cref="NotebookStorageException">The name is refused, or the text is over 5 MB.</exception>
    public LoadedNotebook Save(string name, Notebook notebook, NotebookVersion? openedAt, bool keepOutputs = false)
    {
        var text = NotebookFormat.Write(notebook, keepOutputs);       // throws before anything is touched
        return SaveText(name, text, openedAt, notebook);
    }

    /// <summary>Writes a notebook under a new name that must be free (save as).</summary>
    public LoadedNotebook SaveAs(string name, Notebook notebook, bool keepOutputs = false) => Save(name, notebook, null, keepOutputs);

    /// <summary>
    /// Writes raw notebook text (from a text editor) after checking that it parses; a text that does not parse is
    /// never written.
    /// </summary>
    /// <exception cref="NotebookFormatException">The text is not a valid notebook.</exception>
    public LoadedNotebook SaveText(string name, string text, NotebookVersion? openedAt) => SaveText(name, text, openedAt, NotebookFormat.Parse(text));

    LoadedNotebook SaveText(string name, string text, NotebookVersion? openedAt, Notebook notebook)
    {
        var path = PathOf(name);
        var bytes = StrictUtf8.GetBytes(text);
        if (bytes.Length > MaxBytes)
            throw new NotebookStorageException($"{Normalize(name)} would be {Megabytes(bytes.Length)}: notebooks over 5 MB are refused (clear the outputs or split the notebook)");
        bool exists = File.Exists(path);
        bool conflict = openedAt is null ? exists : !exists || NotebookVersion.Of(File.ReadAllBytes(path)) != openedAt;
        if (conflict && (openedAt is null || exists))
        {
            var copy = FreeName(ConflictName(Normalize(name)), " ");
            WriteAtomic(PathOf(copy), bytes);
            throw new NotebookConflictException(Normalize(name), copy);
        }
        WriteAtomic(path, bytes);
        return new LoadedNotebook(Normalize(name), notebook, NotebookVersion.Of(bytes));
    }

    /// <summary>Renames a notebook; the new name must be free.</summary>
    /// <returns>The normalized new name.</returns>
    public string Rename(string name, string newName)
    {
        var from = ExistingPath(name);
        var to = PathOf(newName);
        if (File.Exists(to)) throw new NotebookStorageException($"{Normalize(newName)} already exists: choose another name");
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Move(from, to);
        return Normalize(newName);
    }

    /// <summary>Copies a notebook to <paramref name="newName"/>, or to "NAME copy.md" (then "NAME copy 2.md", ...).</summary>
    /// <returns>The copy's name.</returns>
    public string Duplicate(string name, string? newName = null)
    {
        var from = ExistingPath(name);
        var target = newName is null ? FreeName(Normalize(name)[..^3] + " copy.md", " ") : Normalize(newName);
        var to = PathOf(target);
        if (File.Exists(to)) throw new NotebookStorageException($"{target} already exists: choose another name");
        WriteAtomic(to, ReadBytes(name, from));
        return target;
    }

    /// <summary>Moves a notebook to the trash folder.</summary>
    /// <returns>The trash entry (its id restores it).</returns>
    public TrashEntry Delete(string name)
    {
        var from = ExistingPath(name);
        var trash = Path.Combine(Root, TrashFolder);
        Directory.CreateDirectory(trash);
        var now = DateTime.UtcNow;
        // NAME with '%', '/' and '~' escaped + "~" + UTC time: the original name and the time can be read back from the
        // id, which stays within a file name's 255 bytes for any name PathOf accepts in one part (CJK is 3 bytes a
        // character here, 9 if it were percent-escaped)
        var id = $"{EscapeForTrash(Normalize(name))}~{now:yyyyMMddTHHmmssfff}Z.md";
        if (Encoding.UTF8.GetByteCount(id) > 255)
            throw new NotebookStorageException($"{Normalize(name)} is nested too deep to keep in the trash (its trash name would pass 255 bytes); move it to a shorter path first");
        File.Move(from, Path.Combine(trash, id));
        return new TrashEntry(id, Normalize(name), now);
    }

    /// <summary>The notebooks in the trash, newest first.</summary>
    public IReadOnlyList<TrashEntry> Trash()
    {
        var trash = Path.Combine(Root, TrashFolder);
        if (!Directory.Exists(trash)) return [];
        return Directory.EnumerateFiles(trash, "*.md").Select(p => ParseTrashId(Path.GetFileName(p))).OfType<TrashEntry>()
            .OrderByDescending(t => t.Deleted).ToList();
    }

    /// <summary>Moves a notebook back from the trash, to its old name or <paramref name="newName"/> (which must be free).</summary>
    /// <returns>The restored name.</returns>
    public string Restore(string trashId, string? newName = null)
    {
        var entry = ParseTrashId(trashId) ?? throw new NotebookStorageException($"'{trashId}' is not in the trash");
        var from = Path.Combine(Root, TrashFolder, trashId);
        if (trashId.Contains('/') || trashId.Contains('\\') || !File.Exists(from)) throw new NotebookStorageException($"'{trashId}' is not in the trash");
        var name = newName ?? entry.Name;
        var to = PathOf(name);
        if (File.Exists(to)) throw new NotebookStorageException($"{Normalize(name)} exists: restore under another name");
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Move(from, to);
        return Normalize(name);
    }

    /// <summary>
    /// <paramref name="name"/> with ".md", or NAME-2.md, NAME-3.md... when taken (in the same folder); the number
    /// follows <paramref name="separator"/> (duplicates and conflict copies use a space: "a copy 2.md").
    /// </summary>
    public string FreeName(string name, string separator = "-")
    {
        var stem = WithoutExtension(name.Replace('\\', '/'));
        var free = stem + ".md";
        for (int i = 2; Exists(free); i++) free = $"{stem}{separator}{i}.md";
        return free;
    }

    /// <summary>The name without a final ".md" (any other dot is part of the name: "v1.2" stays "v1.2").</summary>
    public static string WithoutExtension(string name) =>
        name.EndsWith(".md", StringComparison.OrdinalIgnoreCase) ? name[..^3] : name;

    /// <summary>
    /// The name an uploaded file is saved under: its last path segment only (a browser's file name is no path:
    /// "%2e%2e/x.md" or "a\\b.md" must not make folders), still checked by <see cref="PathOf"/> when saved.
    /// </summary>
    public static string UploadName(string fileName)
    {
        var last = fileName.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        return last.Length == 0 ? "upload.md" : last;
    }

    static string EscapeForTrash(string name) => name.Replace("%", "%25").Replace("/", "%2F").Replace("~", "%7E");

    static TrashEntry? ParseTrashId(string id)
    {
        int tilde = id.LastIndexOf('~');
        if (tilde < 0 || !id.EndsWith("Z.md", StringComparison.Ordinal)) return null;
        if (!DateTime.TryParseExact(id[(tilde + 1)..^4], "yyyyMMddTHHmmssfff", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var when)) return null;
        return new TrashEntry(id, Uri.UnescapeDataString(id[..tilde]), when);
    }

    // ------------------------------------------------------------------ names and paths

    /// <summary>The name with '/' separators and ".md" added when missing.</summary>
    static string Normalize(string name)
    {
        var n = name.Replace('\\', '/');
        return n.EndsWith(".md", StringComparison.OrdinalIgnoreCase) ? n : n + ".md";
    }

    /// <summary>Full path of a name inside the folder.</summary>
    /// <exception cref="NotebookStorageException">The name would leave the folder, or is not a plain relative path.</exception>
    public string PathOf(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new NotebookStorageException("a notebook name is empty: give a name like sentiment.md");
        if (name.Any(char.IsControl)) throw new NotebookStorageException($"notebook name '{Escape(name)}' contains control characters");
        if (Path.IsPathRooted(name) || name.StartsWith('/') || name.StartsWith('\\') || name.Contains(':'))
            throw new NotebookStorageException($"notebook name '{name}' must be relative to the prompts folder, not an absolute path");
        var n = Normalize(name);
        var segments = n.Split('/');
        if (segments.Any(s => s is "" or "." or ".."))
            throw new NotebookStorageException($"notebook name '{name}' must not contain '..', '.' or empty parts: notebooks stay inside the prompts folder");
        if (segments.Any(s => s.StartsWith('.')))
            throw new NotebookStorageException($"notebook name '{name}' must not have hidden parts (starting with '.')");
        if (segments.FirstOrDefault(s => Encoding.UTF8.GetByteCount(s) > MaxNamePartBytes) is { } tooLong)
            throw new NotebookStorageException($"notebook name part '{tooLong[..Math.Min(tooLong.Length, 40)]}...' is {Encoding.UTF8.GetByteCount(tooLong)} bytes: at most {MaxNamePartBytes} bytes (UTF-8) between '/'; choose a shorter name");
        var full = Path.GetFullPath(Path.Combine(Root, Path.Combine(segments)));
        if (!full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new NotebookStorageException($"notebook name '{name}' leaves the prompts folder");
        // a link on the way (a folder or the file itself) must not lead outside the folder
        var current = Root;
        foreach (var segment in segments)
        {
            current = Path.Combine(current, segment);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.LinkTarget is null) continue;
            FileSystemInfo? target;
            try { target = info.ResolveLinkTarget(returnFinalTarget: true); }
            catch (IOException) { target = null; }
            var targetPath = target?.FullName ?? Path.GetFullPath(info.LinkTarget, Path.GetDirectoryName(current)!);
            if (!targetPath.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new NotebookStorageException($"notebook name '{name}' goes through a link that points outside the prompts folder");
        }
        return full;
    }

    string ExistingPath(string name)
    {
        var path = PathOf(name);
        if (!File.Exists(path)) throw new NotebookStorageException($"no notebook {Normalize(name)} in the prompts folder");
        return path;
    }

    static byte[] ReadBytes(string name, string path)
    {
        FileInfo info = new(path);
        if (!info.Exists) throw new NotebookStorageException($"no notebook {Normalize(name)}");
        if (info.Length > MaxBytes)
            throw new NotebookFormatException(null, $"{Normalize(name)} is {Megabytes(info.Length)}: notebooks over 5 MB are refused");
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length > MaxBytes)
            throw new NotebookFormatException(null, $"{Normalize(name)} is {Megabytes(bytes.Length)}: notebooks over 5 MB are refused");
        return bytes;
    }

    /// <summary>Decodes and parses file bytes with the same checks as <see cref="Open"/> (for files outside a storage folder).</summary>
    /// <exception cref="NotebookFormatException">Too large, not UTF-8, or not a valid notebook.</exception>
    public static Notebook Decode(string name, byte[] bytes)
    {
        if (bytes.Length > MaxBytes) throw new NotebookFormatException(null, $"{name} is {Megabytes(bytes.Length)}: notebooks over 5 MB are refused");
        return NotebookFormat.Parse(DecodeText(name, bytes));
    }

    static string DecodeText(string name, byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            int line = 1;
            int at = Math.Max(0, e.Index);
            for (int i = 0; i < Math.Min(at, bytes.Length); i++) if (bytes[i] == '\n') line++;
            throw new NotebookFormatException(line, $"{name} is not valid UTF-8 (byte {at}): save it as UTF-8 text");
        }
    }

    static string Megabytes(long bytes) => $"{bytes / 1048576.0:0.0} MB";

    static string Escape(string s) => string.Concat(s.Select(c => char.IsControl(c) ? $"\\x{(int)c:X2}" : c.ToString()));

    static string ConflictName(string name) => $"{name[..^3]}.conflict-{DateTime.UtcNow:yyyyMMdd-HHmmss}.md";

    /// <summary>
    /// Writes a file atomically: a temporary file in the target's folder, flushed to disk, then renamed over the
    /// target; on failure the temporary file is removed and the target is untouched.
    /// </summary>
    public static void WriteAtomic(string path, byte[] bytes)
    {
        var dir = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        // short and fixed-length: a name near the 255-byte limit must still get a temporary file
        var temp = Path.Combine(dir, $"{TempPrefix}{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw;
        }
    }
}
