using System.Reflection;
using System.Text.RegularExpressions;
using CSharpOtel.Tests.Infrastructure;
using FunctionHost.Configuration;

namespace CSharpOtel.Tests.Configuration;

/// <summary>
/// The host's one list of variables (<see cref="Variables.All"/>) and the documentation's tables agree: same
/// names, same defaults. A table row names variables in backticks in its first cell (<c>{A,B}</c> expands to
/// each), and gives their defaults in the second: one value for all, or one per name separated by ", " or " / ".
/// A value is its first backticked word when it starts with one, else its text before " (".
/// </summary>
public partial class VariablesTest
{
    [Fact]
    public void EveryNameConstant_IsInTheList_Once()
    {
        var constants = typeof(Variables).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(name => !name.EndsWith('_')) // a prefix, not a variable
            .ToList();
        var listed = Variables.All.Select(v => v.Name).ToList();

        Assert.Empty(constants.Except(listed));
        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.All(Variables.All, v => Assert.False(string.IsNullOrWhiteSpace(v.Default) || string.IsNullOrWhiteSpace(v.Meaning), v.Name));
    }

    [Fact]
    public void ConfigurationDoc_TableHasEveryVariableOfTheList_WithTheSameDefault_AndNoOther()
    {
        var documented = DocumentedDefaults("docs/configuration.md");
        var listed = Variables.All.ToDictionary(v => v.Name, v => v.Default);

        Assert.True(documented.Keys.Except(listed.Keys).ToList() is [], "documented but not in Configuration/Variables.cs: " +
            string.Join(", ", documented.Keys.Except(listed.Keys)));
        Assert.True(listed.Keys.Except(documented.Keys).ToList() is [], "in Configuration/Variables.cs but not documented: " +
            string.Join(", ", listed.Keys.Except(documented.Keys)));
        AssertSameDefaults(listed, documented);
    }

    [Fact]
    public void Readme_TableNamesOnlyVariablesOfTheList_WithTheSameDefault()
    {
        var documented = DocumentedDefaults("README.md");
        var listed = Variables.All.ToDictionary(v => v.Name, v => v.Default);

        Assert.NotEmpty(documented);
        Assert.True(documented.Keys.Except(listed.Keys).ToList() is [], "README names variables not in Configuration/Variables.cs: " +
            string.Join(", ", documented.Keys.Except(listed.Keys)));
        AssertSameDefaults(listed, documented);
    }

    [Theory]
    [InlineData("`A`", "`1`", "A=1")]
    [InlineData("`A`, `B`", "`1`, `2`", "A=1 B=2")]
    [InlineData("`A` / `B`", "`1` / unset", "A=1 B=unset")]
    [InlineData("`X_{P,Q}_Y`", "the generic variable", "X_P_Y=the generic variable X_Q_Y=the generic variable")]
    [InlineData("`A`, `B`", "`none` (not `otlp`)", "A=none B=none")]
    [InlineData("`A`", "unset (then `B`, then `C`)", "A=unset")]
    public void RowParsing_ExpandsNamesAndPairsDefaults(string names, string defaults, string expected)
    {
        var row = Row(names, defaults).Select(p => $"{p.Key}={p.Value}");
        Assert.Equal(expected, string.Join(' ', row));
    }

    private static void AssertSameDefaults(Dictionary<string, string> listed, Dictionary<string, string> documented)
    {
        var differing = documented
            .Where(d => listed.TryGetValue(d.Key, out var value) && value != d.Value)
            .Select(d => $"{d.Key}: documented '{d.Value}', code '{listed[d.Key]}'")
            .ToList();
        Assert.True(differing.Count == 0, "defaults differ:\n" + string.Join('\n', differing));
    }

    /// <summary>The rows of the file's table whose header starts with "Variable | Default".</summary>
    private static Dictionary<string, string> DocumentedDefaults(string relativePath)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, relativePath));
        var header = Array.FindIndex(lines, l => Cells(l) is [var v, var d, ..] &&
            v.Equals("Variable", StringComparison.OrdinalIgnoreCase) && d.Equals("Default", StringComparison.OrdinalIgnoreCase));
        Assert.True(header >= 0, $"{relativePath} has no table headed | Variable | Default |");

        var documented = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(header + 2).TakeWhile(l => l.TrimStart().StartsWith('|')))
        {
            var cells = Cells(line);
            foreach (var (name, value) in Row(cells[0], cells[1]))
            {
                Assert.True(documented.TryAdd(name, value), $"{relativePath} documents {name} twice");
            }
        }

        return documented;
    }

    private static List<KeyValuePair<string, string>> Row(string namesCell, string defaultsCell)
    {
        var names = BacktickedWord().Matches(namesCell).Select(m => m.Groups[1].Value).ToList();
        Assert.True(names.Count > 0, $"no variable in backticks in '{namesCell}'");
        var defaults = names.Count == 1 ? [defaultsCell] : DefaultSeparator().Split(defaultsCell).ToList();
        if (defaults.Count != names.Count)
        {
            defaults = [.. names.Select(_ => defaultsCell)];
        }

        var row = new List<KeyValuePair<string, string>>();
        for (var i = 0; i < names.Count; i++)
        {
            var value = Value(defaults[i]);
            row.AddRange(Expand(names[i]).Select(name => KeyValuePair.Create(name, value)));
        }

        return row;
    }

    private static string Value(string cell)
    {
        cell = cell.Trim();
        if (cell.StartsWith('`'))
        {
            return cell[1..cell.IndexOf('`', 1)];
        }

        var parenthesis = cell.IndexOf(" (", StringComparison.Ordinal);
        return (parenthesis < 0 ? cell : cell[..parenthesis]).Trim();
    }

    /// <summary><c>A_{B,C}_{D,E}</c> is A_B_D, A_B_E, A_C_D, A_C_E.</summary>
    private static IEnumerable<string> Expand(string pattern)
    {
        var open = pattern.IndexOf('{', StringComparison.Ordinal);
        if (open < 0)
        {
            return [pattern];
        }

        var close = pattern.IndexOf('}', open);
        return pattern[(open + 1)..close].Split(',')
            .SelectMany(choice => Expand(pattern[..open] + choice + pattern[(close + 1)..]));
    }

    private static string[] Cells(string line)
    {
        var trimmed = line.Trim();
        return trimmed.StartsWith('|') ? [.. trimmed.Trim('|').Split('|').Select(c => c.Trim())] : [];
    }

    [GeneratedRegex("`([A-Za-z][A-Za-z0-9_{},]*)`")]
    private static partial Regex BacktickedWord();

    [GeneratedRegex(", | / ")]
    private static partial Regex DefaultSeparator();
}
