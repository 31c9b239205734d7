#requires -Version 7.4
<#
.SYNOPSIS
    A new Java session to the result of its first `1+1` (no spare: the kernel starts for that run), the session's CPU
    (its cgroup) to that result, and its memory then (an idle session's), as WarmBench measures them, for one built module.
    Run it once per build, alternating builds, to compare them (docs/benchmarks.md, "Issue 18 — Java start").
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/java-session-start.ps1 -ModulePath out/AgbCode -Starts 5
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Starts = 5
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path (Resolve-Path $ModulePath) 'AgbCode.psd1')
Get-AgbLanguage | Out-Null   # loads the engine's assembly

function Wait-Task($Task) { $Task.GetAwaiter().GetResult() }

$space = [AgbCode.Engine.LocalCodeSpace]::new()
try {
    $wall = [Collections.Generic.List[double]]::new()
    $cpu = [Collections.Generic.List[double]]::new()
    $memory = [Collections.Generic.List[double]]::new()
    for ($i = 0; $i -lt $Starts; $i++) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $session = Wait-Task $space.CreateSessionAsync([AgbCode.Core.Sessions.SessionOptions]::new())
        $result = Wait-Task $session.RunAsync([AgbCode.Core.Sessions.RunRequest]::new('1+1', 'java', 120))
        $wall.Add($clock.Elapsed.TotalMilliseconds)
        if (-not $result.Success -or $result.Text -ne '2') { throw "java: the first run failed: $($result.ErrorMessage)" }
        $usage = Wait-Task $session.GetUsageAsync()
        $cpu.Add($usage.CpuTime.TotalMilliseconds)
        $memory.Add($usage.MemoryBytes / 1MB)
        Wait-Task $space.DeleteSessionAsync($session.Id) | Out-Null
    }
    function Median($Values) { $sorted = @($Values | Sort-Object); $sorted[[int][Math]::Floor($sorted.Count / 2)] }
    '{0}: {1} sessions; to the first result median {2:0} ms (min {3:0}); session CPU {4:0} ms; memory then {5:0.0} MiB' -f `
        $ModulePath, $Starts, (Median $wall), ($wall | Measure-Object -Minimum).Minimum, (Median $cpu), (Median $memory)
} finally {
    Wait-Task $space.DisposeAsync().AsTask() | Out-Null
}
