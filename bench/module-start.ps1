#requires -Version 7.4
<#
.SYNOPSIS
    What a young pwsh pays for the module (issue 18): a one-shot "Import-Module; Invoke-AgbCode -Language python -Code
    1+1" in a new pwsh (wall and CPU), and a burst of -Inputs separate Invoke-AgbCode -Path f.py -Quiet in a new pwsh
    (per input, after a first input outside the numbers). Several module folders are measured interleaved, run by run,
    so that a busy machine weighs on each alike.
.DESCRIPTION
    One-shot columns: wall from starting pwsh to its exit; "pwsh CPU" is the process's own user+sys CPU when the
    command is done (runtime start, module import, engine, the run; not its shutdown, not the kernel's processes);
    "tree CPU" is the CPU of pwsh and of every process it reaped (from this process's cutime/cstime), shutdown included.
    Burst columns: pwsh's own CPU and the wall per input over the -Inputs inputs.
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/module-start.ps1 -ModulePath /tmp/before/AgbCode, out/AgbCode
#>
param(
    # One or more module folders (each holding AgbCode.psd1); "-ModulePath a,b" works from bash too
    [Parameter(Mandatory)] [string[]] $ModulePath,
    # One-shot pwsh processes per module
    [int] $Runs = 10,
    # Bursts per module (each a new pwsh) and inputs per burst
    [int] $Bursts = 3,
    [int] $Inputs = 20
)
$ErrorActionPreference = 'Stop'
$modules = @($ModulePath -split ',' | ForEach-Object { Join-Path (Resolve-Path $_) 'AgbCode.psd1' })
$pwsh = @([Environment]::ProcessPath)
if ((Split-Path $pwsh[0] -LeafBase) -eq 'dotnet') { $pwsh += Join-Path $PSHOME 'pwsh.dll' }
$file = Join-Path ([IO.Path]::GetTempPath()) "agb-module-start-$PID.py"
Set-Content -Path $file -Value "print(sum(range(10)))`n" -NoNewline

# CPU in ms from /proc/<pid>/stat: the process's own (utime+stime) and that of the children it reaped (cutime+cstime).
$cpuFunction = @'
function Get-StatCpu {
    $fields = ((Get-Content /proc/self/stat -Raw) -replace '^.*\) ', '') -split ' '
    [pscustomobject]@{ Self = ([long]$fields[11] + [long]$fields[12]) * 10; Children = ([long]$fields[13] + [long]$fields[14]) * 10 }
}
'@
. ([scriptblock]::Create($cpuFunction))

function Invoke-Child([string] $Script) {
    $before = Get-StatCpu
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $lines = @(& $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $Script)
    $wall = $clock.Elapsed.TotalMilliseconds
    if ($LASTEXITCODE -ne 0) { throw "The measured pwsh failed (exit code $LASTEXITCODE): $($lines -join "`n")" }
    $reported = try { $lines[-1] | ConvertFrom-Json } catch { throw "The measured pwsh printed: $($lines -join "`n")" }
    [pscustomobject]@{ Wall = $wall; Tree = (Get-StatCpu).Children - $before.Children; Reported = $reported }
}

# Without a manifest: pwsh alone, the floor under every one-shot.
function Measure-OneShot([string] $Manifest) {
    $run = if ($Manifest) { "Import-Module '$Manifest'`n`$null = Invoke-AgbCode -Language python -Code 1+1" } else { '' }
    $child = Invoke-Child @"
$cpuFunction
$run
@{ Self = (Get-StatCpu).Self } | ConvertTo-Json -Compress
"@
    [pscustomobject]@{ Wall = $child.Wall; Tree = $child.Tree; Self = $child.Reported.Self }
}

function Measure-Burst([string] $Manifest) {
    $child = Invoke-Child @"
$cpuFunction
Import-Module '$Manifest'
`$null = Invoke-AgbCode -Path '$file' -Quiet
`$before = Get-StatCpu
`$clock = [Diagnostics.Stopwatch]::StartNew()
for (`$i = 0; `$i -lt $Inputs; `$i++) { `$null = Invoke-AgbCode -Path '$file' -Quiet }
@{ Self = ((Get-StatCpu).Self - `$before.Self) / $Inputs; Wall = `$clock.Elapsed.TotalMilliseconds / $Inputs } | ConvertTo-Json -Compress
"@
    $child.Reported
}

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    $middle = [math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$middle] } else { ($sorted[$middle - 1] + $sorted[$middle]) / 2 }
}

try {
    $oneShots = @{}; $burstResults = @{}
    foreach ($manifest in $modules) { $oneShots[$manifest] = [Collections.Generic.List[object]]::new(); $burstResults[$manifest] = [Collections.Generic.List[object]]::new() }
    $alone = [Collections.Generic.List[object]]::new()
    for ($run = 0; $run -lt $Runs; $run++) {
        $alone.Add((Measure-OneShot ''))
        foreach ($manifest in $modules) { $oneShots[$manifest].Add((Measure-OneShot $manifest)) }
    }
    $rows = @([pscustomobject]@{
        Module = '(pwsh alone, no module)'
        'one-shot wall ms' = Get-Median $alone.Wall; 'one-shot pwsh CPU ms' = Get-Median $alone.Self; 'one-shot tree CPU ms' = Get-Median $alone.Tree
    })
    for ($burst = 0; $burst -lt $Bursts; $burst++) {
        foreach ($manifest in $modules) { $burstResults[$manifest].Add((Measure-Burst $manifest)) }
    }
    $rows += foreach ($manifest in $modules) {
        $one = $oneShots[$manifest]; $many = $burstResults[$manifest]
        [pscustomobject]@{
            Module                 = Split-Path $manifest
            'one-shot wall ms'     = Get-Median $one.Wall
            'one-shot pwsh CPU ms' = Get-Median $one.Self
            'one-shot tree CPU ms' = Get-Median $one.Tree
            'burst pwsh CPU ms per input' = ($many.Self | ForEach-Object { '{0:0.0}' -f $_ }) -join ', '
            'burst wall ms per input'     = ($many.Wall | ForEach-Object { '{0:0.0}' -f $_ }) -join ', '
        }
    }
    $rows | Format-List
}
finally {
    Remove-Item $file
}
