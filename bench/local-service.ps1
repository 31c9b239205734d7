#requires -Version 7.4
<#
.SYNOPSIS
    Times a warm Python run and a session's creation to its first result through Invoke-AgbCode, in whichever backend
    the module picks for the user running it: as root, the in-process engine; as a user who is not root, the local
    engine service (docs/benchmarks.md, "The local engine service"). Prints one line per measure: median, p99, min (ms).
.EXAMPLE
    dotnet pwsh -File bench/local-service.ps1 -ModulePath out/AgbCode                       # as root: the baseline
    setpriv --reuid=alice --regid=alice --init-groups dotnet <pwsh.dll> -File bench/local-service.ps1 -ModulePath ...
#>
param([Parameter(Mandatory)] [string] $ModulePath, [int] $Runs = 200, [int] $Sessions = 10)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $ModulePath 'AgbCode.psd1')

function Format-Timing([string] $What, [double[]] $Milliseconds) {
    $sorted = $Milliseconds | Sort-Object
    $p99 = $sorted[[Math]::Min($sorted.Count - 1, [int][Math]::Ceiling($sorted.Count * 0.99) - 1)]
    '{0}: {1} runs, median {2:0.00} ms, p99 {3:0.00} ms, min {4:0.00} ms' -f $What, $sorted.Count, $sorted[[int]($sorted.Count / 2)], $p99, $sorted[0]
}

$session = New-AgbSession -Language python
"backend: $($session.Isolation.Backend)"
$warm = foreach ($i in 1..$Runs) { (Measure-Command { Invoke-AgbCode -Session $session -Language python -Code '1' -Quiet }).TotalMilliseconds }
Format-Timing 'warm run (Invoke-AgbCode -Session, python 1)' $warm
Remove-AgbSession $session -Confirm:$false
$cold = foreach ($i in 1..$Sessions) {
    (Measure-Command {
        $s = New-AgbSession
        Invoke-AgbCode -Session $s -Language python -Code '1' -Quiet
    }).TotalMilliseconds
    Remove-AgbSession $s -Confirm:$false
}
Format-Timing 'New-AgbSession + first python run' $cold
