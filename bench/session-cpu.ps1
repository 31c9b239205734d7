#requires -Version 7.4
<#
.SYNOPSIS
    CPU per input of Invoke-AgbCode's fresh session (issue 18): one pwsh runs -Inputs files back to back (a first input
    outside the numbers) and prints, per input, the CPU of pwsh itself (the engine included), of the children it reaped
    (host programs and launchers), and the wall time. For the whole process tree, run it under perf stat with -Inputs 0
    and 20 and subtract.
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/session-cpu.ps1 -ModulePath out/AgbCode
    perf stat -e task-clock dotnet pwsh -NoProfile -File bench/session-cpu.ps1 -ModulePath out/AgbCode -Inputs 0
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Inputs = 20
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path (Resolve-Path $ModulePath) 'AgbCode.psd1')
$file = Join-Path ([IO.Path]::GetTempPath()) "agb-session-cpu-$PID.py"
Set-Content -Path $file -Value "print(sum(range(10)))`n" -NoNewline

function Get-Cpu {   # milliseconds: this process (fields 14-15 of /proc/self/stat), and its reaped children (16-17)
    $fields = ((Get-Content /proc/self/stat -Raw) -replace '^.*\) ', '') -split ' '
    $tick = 1000 / 100
    [pscustomobject]@{ Self = ([long]$fields[11] + [long]$fields[12]) * $tick; Children = ([long]$fields[13] + [long]$fields[14]) * $tick }
}
try {
    Invoke-AgbCode -Path $file -Quiet | Out-Null
    $before = Get-Cpu
    $clock = [Diagnostics.Stopwatch]::StartNew()
    for ($i = 0; $i -lt $Inputs; $i++) { Invoke-AgbCode -Path $file -Quiet | Out-Null }
    $after = Get-Cpu
    if ($Inputs -gt 0) {
        'per input: pwsh {0:0.0} ms CPU, children {1:0.0} ms CPU, wall {2:0.0} ms' -f (($after.Self - $before.Self) / $Inputs),
            (($after.Children - $before.Children) / $Inputs), ($clock.Elapsed.TotalMilliseconds / $Inputs)
    }
}
finally {
    Remove-Item $file
}
