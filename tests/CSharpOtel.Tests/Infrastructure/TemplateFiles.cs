using System.Text.RegularExpressions;

namespace CSharpOtel.Tests.Infrastructure;

/// <summary>Reads the two files of the template that faas-cli and Docker interpret.</summary>
public static partial class TemplateFiles
{
    /// <summary>template.yml's top-level scalar fields (block scalars joined with newlines).</summary>
    public static IReadOnlyDictionary<string, string> ReadTemplateYml(string templateFolder)
    {
        var fields = new Dictionary<string, string>();
        string? blockKey = null;
        var block = new List<string>();
        foreach (var line in File.ReadAllLines(Path.Combine(templateFolder, "template.yml")))
        {
            if (blockKey is not null && (line.Length == 0 || line[0] == ' '))
            {
                block.Add(line.Trim());
                continue;
            }

            if (blockKey is not null)
            {
                fields[blockKey] = string.Join('\n', block).Trim();
                blockKey = null;
                block.Clear();
            }

            var match = TopLevelField().Match(line);
            if (!match.Success)
            {
                continue;
            }

            var value = match.Groups["value"].Value.Trim();
            if (value is "|" or ">")
            {
                blockKey = match.Groups["key"].Value;
            }
            else
            {
                fields[match.Groups["key"].Value] = value.Trim('"', '\'');
            }
        }

        if (blockKey is not null)
        {
            fields[blockKey] = string.Join('\n', block).Trim();
        }

        return fields;
    }

    /// <summary>Every variable set by an ENV instruction of the final stage of the Dockerfile.</summary>
    public static IReadOnlyDictionary<string, string> ReadDockerfileEnv(string templateFolder)
    {
        var text = File.ReadAllText(Path.Combine(templateFolder, "Dockerfile")).Replace("\\\n", " ", StringComparison.Ordinal);
        var lines = text.Split('\n');
        var lastFrom = Array.FindLastIndex(lines, l => l.TrimStart().StartsWith("FROM ", StringComparison.OrdinalIgnoreCase));
        var env = new Dictionary<string, string>();
        foreach (var line in lines.Skip(lastFrom))
        {
            var trimmed = line.Trim();
            if (!trimmed.StartsWith("ENV ", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (Match pair in EnvPair().Matches(trimmed[4..]))
            {
                env[pair.Groups["key"].Value] = pair.Groups["quoted"].Success ? pair.Groups["quoted"].Value : pair.Groups["bare"].Value;
            }
        }

        return env;
    }

    [GeneratedRegex(@"^(?<key>[a-z_]+):\s*(?<value>.*)$")]
    private static partial Regex TopLevelField();

    [GeneratedRegex("(?<key>[A-Za-z_][A-Za-z0-9_]*)=(?:\"(?<quoted>[^\"]*)\"|(?<bare>\\S*))")]
    private static partial Regex EnvPair();
}
