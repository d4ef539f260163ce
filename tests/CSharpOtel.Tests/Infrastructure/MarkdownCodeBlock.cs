namespace CSharpOtel.Tests.Infrastructure;

/// <summary>
/// A fenced code block of a Markdown file: where it starts (1-based line of the opening fence), its info string
/// (<c>csharp</c>, <c>csharp no-compile</c>, <c>xml</c>, ...) and its text without the fences.
/// </summary>
public sealed record MarkdownCodeBlock(string File, int Line, string Info, string Text)
{
    /// <summary>The first word of the info string: the language.</summary>
    public string Language => Info.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries) is [var first, ..] ? first : "";

    /// <summary>The words after the language, such as <c>no-compile</c>.</summary>
    public IReadOnlyList<string> Flags => Info.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();

    public override string ToString() => $"{File}:{Line}";

    /// <summary>Every fenced block (``` only, as this repository writes them) of a Markdown file.</summary>
    public static IReadOnlyList<MarkdownCodeBlock> Read(string root, string relativePath)
    {
        var blocks = new List<MarkdownCodeBlock>();
        var lines = System.IO.File.ReadAllLines(Path.Combine(root, relativePath));
        for (var i = 0; i < lines.Length; i++)
        {
            var opening = lines[i].TrimStart();
            if (!opening.StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            var indent = lines[i].Length - opening.Length;
            var body = new List<string>();
            var start = i;
            for (i++; i < lines.Length && lines[i].Trim() != "```"; i++)
            {
                body.Add(lines[i].Length >= indent ? lines[i][indent..] : lines[i].TrimStart());
            }

            blocks.Add(new MarkdownCodeBlock(relativePath, start + 1, opening[3..].Trim(), string.Join('\n', body) + "\n"));
        }

        return blocks;
    }
}
