#requires -Version 7.4
<#
.SYNOPSIS
    One session over many cells (issue 18): -Runs cells of -Code back to back through Invoke-AgbCode, printing every
    -Every cells the median wall time per cell of the last -Every and the kernel's memory (a probe cell, outside the
    numbers: Java's live heap after a full collection, R's heap after gc(), the Python and Node processes' resident
    memory). Warm runs that grow slower, or memory that grows with the cells, show here and not in a 300-run bench.
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/long-session.ps1 -ModulePath out/AgbCode -Language java
    dotnet pwsh -NoProfile -File bench/long-session.ps1 -ModulePath out/AgbCode -Language python -Runs 2000 -Code 'len([1, 2])'
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [ValidateSet('python', 'javascript', 'r', 'java')] [string] $Language = 'java',
    [int] $Runs = 6000,
    [int] $Every = 1000,
    [string] $Code = '1+1'
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path (Resolve-Path $ModulePath) 'AgbCode.psd1')
$probes = @{   # KiB
    java       = 'System.gc(); (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1024'
    r          = 'as.integer(sum(gc()[, 2]) * 1024)'
    python     = "int(open('/proc/self/status').read().split('VmRSS:')[1].split()[0])"
    javascript = 'Math.round(process.memoryUsage().rss / 1024)'
}
$session = New-AgbSession -Language $Language
try {
    '| cells | median ms per cell (last {0}) | {1} memory KiB |' -f $Every, $Language
    '|---|---|---|'
    '| 0 | | {0} |' -f (Invoke-AgbCode -Session $session -Code $probes[$Language] -Quiet).Text
    $times = [Collections.Generic.List[double]]::new()
    for ($cell = 1; $cell -le $Runs; $cell++) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $null = Invoke-AgbCode -Session $session -Code $Code -Quiet
        $times.Add($clock.Elapsed.TotalMilliseconds)
        if ($cell % $Every -eq 0) {
            $sorted = $times | Sort-Object
            '| {0} | {1:0.00} | {2} |' -f $cell, $sorted[[int]($sorted.Count / 2)], (Invoke-AgbCode -Session $session -Code $probes[$Language] -Quiet).Text
            $times.Clear()
        }
    }
}
finally {
    Remove-AgbSession -Session $session
}
