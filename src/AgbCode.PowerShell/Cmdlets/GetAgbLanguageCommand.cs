using System.Management.Automation;
using AgbCode.Core.Errors;
using AgbCode.Core.Languages;
using AgbCode.Core.Sessions;

namespace AgbCode.PowerShell.Cmdlets;

/// <summary>Lists the languages with their aliases and extensions, and whether the backend can run each.</summary>
[Cmdlet(VerbsCommon.Get, "AgbLanguage")]
[OutputType(typeof(AgbLanguage))]
public sealed class GetAgbLanguageCommand : AgbCmdlet
{
    /// <summary>The AGB API endpoint; else $env:AGB_ENDPOINT; else the local engine.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Endpoint { get; set; }

    /// <summary>The API key for the endpoint; else $env:AGB_API_KEY. Refused over plain http except to this machine.</summary>
    [Parameter]
    public System.Security.SecureString? ApiKey { get; set; }

    [Parameter(Position = 0)]
    [SupportsWildcards]
    public string[] Name { get; set; } = ["*"];

    protected override void EndProcessing()
    {
        IReadOnlyList<LanguageSupport> support;
        string location = "local";
        try
        {
            ICodeSpace space = Backend(Endpoint, ApiKey);
            location = space.Location;
            support = Await(space.GetLanguagesAsync(StopToken));
        }
        catch (AgbException failure)
        {
            support = [.. LanguageRules.All.Select(l => new LanguageSupport(l.Name, false, null, failure.Message))];
        }
        var patterns = Name.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
        foreach (LanguageInfo language in LanguageRules.All)
        {
            if (!patterns.Any(p => p.IsMatch(language.Name) || language.Aliases.Any(p.IsMatch)))
                continue;
            LanguageSupport? status = support.FirstOrDefault(s => s.Language == language.Name);
            WriteObject(new AgbLanguage(language.Name, language.DisplayName, language.Aliases, language.Extensions,
                status?.Available ?? false, status?.Runtime, status?.Reason, location));
        }
    }
}

/// <summary>A language as Get-AgbLanguage shows it.</summary>
public sealed record AgbLanguage(string Name, string DisplayName, IReadOnlyList<string> Aliases, IReadOnlyList<string> Extensions,
    bool Available, string? Runtime, string? Reason, string Backend);
