#requires -Version 7.4
# In scripts, printing a result and then its rich items never dumps base64 into the log (issue 12): what a CI log or a
# terminal shows of an image is its summary, never its bytes, unless a property is asked for by name.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:probe = Join-Path $TestDrive 'print-rich.ps1'
    Set-Content $probe @'
param([string] $Module)
Import-Module $Module
$runs = @(
    Invoke-AgbCode -Language python -Code "import matplotlib.pyplot as plt`nplt.plot([1, 2, 3])`nplt.show()`n42"
    Invoke-AgbCode -Language r -Code "plot(1:3)`nstop('failed after the plot')" -ErrorAction SilentlyContinue
)
foreach ($r in $runs) {
    $r
    $r.Results
    $r.Results[0]
    $r, $r.Results
    Write-Output $r.Results $r
    $r | Format-List
    $r.Results | Format-Table
    "$r"
}
Get-Error
'--- asked for by name ---'
$runs[0].Results[0] | Format-List Png
'@
    # A run of base64 long enough to be image bytes (a PNG's base64 starts iVBORw0KGgo)
    $script:base64 = '[A-Za-z0-9+/]{40,}|iVBORw0KGgo'
    function Assert-NoBase64BeforeMarker([string] $Log) {
        $Log = $Log -replace '\x1b\[[0-9;?]*[A-Za-z]'   # colours and cursor moves, as a terminal shows them
        $parts = $Log -split '--- asked for by name ---'
        $parts | Should -HaveCount 2 -Because "the probe ran to its end:`n$Log"
        $parts[0] | Should -Match 'image/png \d+(\.\d+)? KiB' -Because 'the images are summarised'
        $parts[0] | Should -Not -Match $base64
        $parts[1] | Should -Match $base64 -Because 'the check finds base64 where it is printed (Png asked for by name)'
    }
}

Describe 'Printing results and their rich items in a script' {
    It 'shows no base64 in a non-interactive pwsh -File' {
        $log = & $PwshCommand[0] @($PwshCommand | Select-Object -Skip 1) -NoProfile -NonInteractive -File $probe -Module (Join-Path $AgbModuleDir 'AgbCode.psd1') 2>&1 |
            Out-String
        Assert-NoBase64BeforeMarker $log
    }

    It 'shows no base64 at a terminal: pwsh under script(1)' {
        $quoted = @($PwshCommand) + @('-NoProfile', '-File', $probe, '-Module', (Join-Path $AgbModuleDir 'AgbCode.psd1')) |
            ForEach-Object { "'" + ($_ -replace "'", "'\''") + "'" }
        $log = & script -qec ($quoted -join ' ') /dev/null 2>&1 | Out-String
        Assert-NoBase64BeforeMarker $log
    }
}
