#requires -Version 7.4
<#
.SYNOPSIS
    A Java session over many cells (issue 18): one session runs -Runs cells of -Code back to back through
    Invoke-AgbCode and prints, every -Every cells, the median wall time per cell of the last -Every and the kernel's live
    heap after a full collection (a probe cell, outside the numbers). Warm runs that grow slower or a heap that grows
    with the cells show here, not in a 300-run bench.
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/java-long-session.ps1 -ModulePath out/AgbCode
    dotnet pwsh -NoProfile -File bench/java-long-session.ps1 -ModulePath out/AgbCode -Runs 2000 -Code 'List.of(1, 2).size()'
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Runs = 6000,
    [int] $Every = 1000,
    [string] $Code = '1+1'
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path (Resolve-Path $ModulePath) 'AgbCode.psd1')
$probe = 'System.gc(); (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1024'
$session = New-AgbSession -Language java
try {
    '| cells | median ms per cell (last {0}) | live heap KiB |' -f $Every
    '|---|---|---|'
    '| 0 | | {0} |' -f (Invoke-AgbCode -Session $session -Code $probe -Quiet).Text
    $times = [Collections.Generic.List[double]]::new()
    for ($cell = 1; $cell -le $Runs; $cell++) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $null = Invoke-AgbCode -Session $session -Code $Code -Quiet
        $times.Add($clock.Elapsed.TotalMilliseconds)
        if ($cell % $Every -eq 0) {
            $sorted = $times | Sort-Object
            '| {0} | {1:0.00} | {2} |' -f $cell, $sorted[[int]($sorted.Count / 2)], (Invoke-AgbCode -Session $session -Code $probe -Quiet).Text
            $times.Clear()
        }
    }
}
finally {
    Remove-AgbSession -Session $session
}
