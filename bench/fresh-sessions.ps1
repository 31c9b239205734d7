#requires -Version 7.4
<#
.SYNOPSIS
    Fresh sessions back to back (issue 18): per language, 20 inputs through Invoke-AgbCode without -Session, beside the
    interpreter's own start on the same file, measured in the same run; the same inputs paced (a spare ready for each);
    then what the idle pool holds (memory of its spares, CPU of the engine and the spares while idle).
    The pool's settings come from the environment (AGBCODE_SPARE_*, docs/benchmarks.md): run it once per setting.
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/fresh-sessions.ps1 -ModulePath out/AgbCode
    AGBCODE_SPARE_MAX=1 dotnet pwsh -NoProfile -File bench/fresh-sessions.ps1 -ModulePath out/AgbCode -Language python
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [string[]] $Language = @('python', 'javascript', 'r', 'java'),
    [int] $Inputs = 20,
    [double] $PaceSec = 2.5,
    [int] $IdleSec = 10
)
$ErrorActionPreference = 'Stop'
$Language = $Language -split ','   # pwsh -File passes "python,r" as one string
Import-Module (Join-Path (Resolve-Path $ModulePath) 'AgbCode.psd1')

$programs = @{
    python     = @{ File = 'f.py'; Code = "print(sum(range(10)))`n"; Command = 'python3 f'; Interpreter = { param($f) /usr/bin/python3 $f } }
    javascript = @{ File = 'f.js'; Code = "console.log([...Array(10).keys()].reduce((a, b) => a + b))`n"; Command = 'node f'; Interpreter = { param($f) node $f } }
    r          = @{ File = 'f.R'; Code = "cat(sum(0:9), '\n', sep = '')`n"; Command = 'Rscript f'; Interpreter = { param($f) Rscript $f } }
    java       = @{ File = 'F.java'; Code = "public class F { public static void main(String[] a) { System.out.println(45); } }`n"; Command = 'java F.java'; Interpreter = { param($f) java $f } }
}

function Format-Row([string] $What, [double[]] $Milliseconds) {
    $sorted = [double[]] ($Milliseconds | Sort-Object)
    $p99 = $sorted[[Math]::Min($sorted.Count - 1, [int][Math]::Ceiling($sorted.Count * 0.99) - 1)]
    '| {0} | {1} | {2:0.0} | {3:0.0} | {4:0.0} |' -f $What, $sorted.Count, $sorted[[int][Math]::Floor($sorted.Count / 2)], $p99, $sorted[0]
}

Get-AgbLanguage | Out-Null   # loads the engine's assembly
$space = [AgbCode.Engine.LocalCodeSpace]::Shared
$flags = [Reflection.BindingFlags] 'NonPublic, Instance'
function Get-Spares { $space.GetType().GetProperty('Spares', $flags).GetValue($space) }
function Wait-Settled {
    # the pool is settled when it makes nothing more (a guard of 120 s against a hang)
    $making = $space.GetType().GetProperty('SparesMaking', $flags)
    $deadline = (Get-Date).AddSeconds(120)
    while (($making.GetValue($space) -gt 0 -or @(Get-Spares).Count -eq 0) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 50 }
}
function Read-CgroupNumber([string[]] $Folders, [string[]] $Names) {
    foreach ($folder in $Folders) { foreach ($name in $Names) {
        $file = Join-Path $folder $name
        if (Test-Path $file) {
            $text = (Get-Content $file -Raw).Trim()
            if ($name -eq 'cpu.stat') { return [double] (($text -split "`n" | Where-Object { $_ -like 'usage_usec *' }) -split ' ')[1] * 1000 }
            return [double] $text
        }
    } }
    0
}

$folder = Join-Path ([IO.Path]::GetTempPath()) "agb-fresh-$PID"
New-Item -ItemType Directory -Path $folder -Force | Out-Null
$settings = 'AGBCODE_SPARE_SESSIONS', 'AGBCODE_SPARE_MAX', 'AGBCODE_SPARE_MEMORY_MB', 'AGBCODE_SPARE_IDLE_SEC', 'AGBCODE_SPARE_STARTS' |
    ForEach-Object { "$_=$([Environment]::GetEnvironmentVariable($_) ?? 'default')" }
"pool: $($settings -join ', '); cores: $([Environment]::ProcessorCount)"
'| what | inputs | median ms | p99 ms | min ms |'
'|---|---|---|---|---|'
try {
    foreach ($name in $Language) {
        $program = $programs[$name]
        $dir = Join-Path $folder $name
        New-Item -ItemType Directory -Path $dir -Force | Out-Null
        $file = Join-Path $dir $program.File
        Set-Content -Path $file -Value $program.Code -NoNewline
        $files = foreach ($i in 1..$Inputs) {
            $copy = Join-Path $dir ("{0:d2}{1}" -f $i, [IO.Path]::GetExtension($file))
            if ($name -eq 'java') { $copy = $file }   # java F.java needs the class's name; one file, run 20 times
            else { Copy-Item $file $copy }
            $copy
        }
        $check = Invoke-AgbCode -Path $file -Quiet
        if (-not $check.Success -or $check.Stdout.Trim() -ne '45') { throw "$name does not print 45: $($check.ErrorMessage)" }
        Wait-Settled

        # Interleaved per round: the interpreter, then Invoke-AgbCode, each back to back over all inputs.
        $interpreter = foreach ($f in $files) { (Measure-Command { & $program.Interpreter $f | Out-Null }).TotalMilliseconds }
        Wait-Settled
        $backToBack = foreach ($f in $files) { (Measure-Command { Invoke-AgbCode -Path $f -Quiet | Out-Null }).TotalMilliseconds }
        Wait-Settled
        $pipeline = (Measure-Command { $files | ForEach-Object { Get-Item $_ } | Invoke-AgbCode -Quiet | Out-Null }).TotalMilliseconds / $Inputs
        Wait-Settled
        $paced = foreach ($f in $files | Select-Object -First 8) {
            Start-Sleep -Seconds $PaceSec
            (Measure-Command { Invoke-AgbCode -Path $f -Quiet | Out-Null }).TotalMilliseconds
        }
        Format-Row "$name`: the interpreter, ``$($program.Command)``" $interpreter
        Format-Row "$name`: ``Invoke-AgbCode -Path f`` back to back" $backToBack
        '| {0}: `Get-ChildItem \| Invoke-AgbCode`, per input | {1} | {2:0.0} | | |' -f $name, $Inputs, $pipeline
        Format-Row "$name`: ``Invoke-AgbCode -Path f``, $PaceSec s apart (spare ready)" $paced

        # The idle pool: its spares' memory, and the CPU the engine and the spares use while nothing runs.
        Wait-Settled
        $spares = @(Get-Spares)
        $memory = ($spares | ForEach-Object { Read-CgroupNumber $_.Cgroups 'memory.current', 'memory.usage_in_bytes' } | Measure-Object -Sum).Sum
        $cpuBefore = ($spares | ForEach-Object { Read-CgroupNumber $_.Cgroups 'cpu.stat', 'cpuacct.usage' } | Measure-Object -Sum).Sum
        $engineBefore = (Get-Process -Id $PID).TotalProcessorTime.TotalMilliseconds
        Start-Sleep -Seconds $IdleSec
        $cpuAfter = ($spares | ForEach-Object { Read-CgroupNumber $_.Cgroups 'cpu.stat', 'cpuacct.usage' } | Measure-Object -Sum).Sum
        $engineAfter = (Get-Process -Id $PID).TotalProcessorTime.TotalMilliseconds
        '| {0}: idle pool after the burst | {1} spares | {2:0.0} MiB | spares {3:0.00} % CPU | pwsh + engine {4:0.00} % CPU |' -f $name, $spares.Count,
            ($memory / 1MB), (($cpuAfter - $cpuBefore) / 1e6 / ($IdleSec * 1000) * 100), (($engineAfter - $engineBefore) / ($IdleSec * 1000) * 100)
    }
}
finally {
    Remove-Item -Recurse -Force $folder
}
