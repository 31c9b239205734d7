#requires -Version 7.4
<#
.SYNOPSIS
    What a light Python session's first container result costs (laid out by IPython's pretty printer, no shell) beside
    the first run that brings IPython's shell up, in fresh sessions, interleaved.
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/python-first-results.ps1 -ModulePath out/AgbCode
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Rounds = 8
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path (Resolve-Path $ModulePath) 'AgbCode.psd1')

function Measure-SecondRun([string] $Code) {
    $session = New-AgbSession -Language python
    try {
        Invoke-AgbCode -Session $session -Code 'print(1)' -Quiet | Out-Null   # the kernel is up and light
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $result = Invoke-AgbCode -Session $session -Code $Code -Quiet
        $elapsed = $clock.Elapsed.TotalMilliseconds
        if (-not $result.Success) { throw "$Code failed: $($result.ErrorMessage)" }
        $elapsed
    }
    finally { Remove-AgbSession $session -Confirm:$false }
}

$list = [Collections.Generic.List[double]]::new()
$shell = [Collections.Generic.List[double]]::new()
foreach ($round in 1..$Rounds) {
    $list.Add((Measure-SecondRun 'list(range(30))'))
    $shell.Add((Measure-SecondRun 'get_ipython() is not None'))
}
$median = { param($values) ($values | Sort-Object)[[int][Math]::Floor($values.Count / 2)] }
'| what | runs | median ms |'
'|---|---|---|'
'| first container result, `list(range(30))` (pretty printer, no shell) | {0} | {1:0.0} |' -f $list.Count, (& $median $list)
'| first run that brings the shell up, `get_ipython() is not None` | {0} | {1:0.0} |' -f $shell.Count, (& $median $shell)
