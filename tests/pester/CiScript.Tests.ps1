#requires -Version 7.4
# A CI script: must fail loudly and cleanly on a failed run, and leave nothing behind.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:moduleDir = $AgbModuleDir
    Import-Module (Join-Path $moduleDir 'AgbCode.psd1') -Force
    $script:pwsh = $PwshCommand
    function Invoke-CiScript([string] $Body) {
        $file = Join-Path $TestDrive "ci-$(New-Guid).ps1"
        Set-Content $file "`$ErrorActionPreference = 'Stop'`nImport-Module '$moduleDir/AgbCode.psd1'`n$Body"
        $output = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $file 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output | Out-String) }
    }
}

Describe 'A CI script' {
    It 'stops at a failed run with a non-zero exit code and the error''s name' {
        $run = Invoke-CiScript @'
Invoke-AgbCode -Language py -Code 'print("step 1 ok")' | Out-Null
Invoke-AgbCode -Language py -Code 'import json; json.loads("{broken")' | Out-Null
Write-Output 'NOT REACHED'
'@
        $run.ExitCode | Should -Not -Be 0
        $run.Output | Should -Match 'step 1 ok'
        $run.Output | Should -Match 'JSONDecodeError'
        $run.Output | Should -Not -Match 'NOT REACHED'
    }

    It 'can catch the failure and still read the output' {
        $run = Invoke-CiScript @'
try { Invoke-AgbCode -Language py -Code 'print("partial work"); 1/0' -Quiet }
catch { "caught $($_.FullyQualifiedErrorId): $($_.TargetObject.Stdout.Trim()) / $($_.TargetObject.Error.Name)" }
'@
        $run.ExitCode | Should -Be 0
        $run.Output | Should -Match 'caught AgbExecutionFailed,AgbCode.PowerShell.Cmdlets.InvokeAgbCodeCommand: partial work / ZeroDivisionError'
    }

    It 'is not stopped by a program that only writes to stderr' {
        $run = Invoke-CiScript @'
$r = Invoke-AgbCode -Language py -Code 'import sys; print("deprecated option", file=sys.stderr); "fine"'
"result: $($r.Text)"
'@
        $run.ExitCode | Should -Be 0
        $run.Output | Should -Match "result: 'fine'"
        $run.Output | Should -Match 'deprecated option'
    }

    It 'leaves no session behind' {
        $run = Invoke-CiScript @'
1..3 | ForEach-Object { Invoke-AgbCode -Language py -Code "$_ * 2" -Quiet | Out-Null }
"sessions left: $(@(Get-AgbSession).Count)"
'@
        $run.Output | Should -Match 'sessions left: 0'
    }

    It 'fails a timeout with its own error id' {
        $run = Invoke-CiScript @'
try { Invoke-AgbCode -Language py -Code 'import time; time.sleep(30)' -TimeoutSec 1 -Quiet }
catch { "caught $($_.FullyQualifiedErrorId) $($_.CategoryInfo.Category)" }
'@
        $run.Output | Should -Match 'caught AgbExecutionTimeout,AgbCode.PowerShell.Cmdlets.InvokeAgbCodeCommand OperationTimeout'
    }
}
