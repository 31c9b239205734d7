using System.Text;
using System.Text.RegularExpressions;

namespace AgbCode.Server.Tools.Files;

/// <summary>
/// search_files patterns: with * or ? a case-insensitive glob (* and ? stay inside one path part, ** crosses them),
/// matched against the name, or against the relative path when the pattern holds a /; without them, a case-insensitive
/// substring of the name.
/// </summary>
public sealed class Glob
{
    private readonly Regex? _regex;
    private readonly string _text;
    private readonly bool _onPath;

    public Glob(string pattern)
    {
        _text = pattern;
        _onPath = pattern.Contains('/');
        if (pattern.IndexOfAny(['*', '?']) < 0)
            return;
        var regex = new StringBuilder("^");
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                regex.Append(".*");
                i++;
            }
            else
                regex.Append(c switch { '*' => "[^/]*", '?' => "[^/]", _ => Regex.Escape(c.ToString()) });
        }
        _regex = new Regex(regex.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    public bool Matches(string name, string relativePath)
    {
        string subject = _onPath ? relativePath : name;
        return _regex?.IsMatch(subject) ?? subject.Contains(_text, StringComparison.OrdinalIgnoreCase);
    }
}
