#requires -Version 7.4
# The README's usage examples are real: every powershell block of its Usage section runs, in order, without error.
BeforeDiscovery {
    $readme = Get-Content (Join-Path $PSScriptRoot '../../README.md') -Raw
    $usage = ($readme -split '(?m)^## ')[1..10] | Where-Object { $_ -like 'Usage*' }
    $script:blocks = @([regex]::Matches($usage, '(?s)```powershell\r?\n(.*?)```') | ForEach-Object -Begin { $n = 0 } -Process {
        $n++; @{ Number = $n; Code = $_.Groups[1].Value }
    })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $moduleDir = $AgbModuleDir
    $script:work = Join-Path $TestDrive 'readme'
    New-Item -ItemType Directory -Path (Join-Path $work 'out') -Force | Out-Null
    New-Item -ItemType SymbolicLink -Path (Join-Path $work 'out/AgbCode') -Target $moduleDir | Out-Null
    # one runspace for all the blocks, as one console session would be
    $script:shell = [powershell]::Create()
    $null = $shell.AddScript("Set-Location '$work'").Invoke()
}

AfterAll {
    $shell.Dispose()
}

Describe 'README usage' {
    It 'has examples' {
        $blocks.Count | Should -BeGreaterThan 5
    }

    It 'block <Number> runs without error' -ForEach $blocks {
        $shell.Commands.Clear()
        $shell.Streams.ClearStreams()
        $output = $shell.AddScript($Code).AddCommand('Out-String').Invoke() -join ''
        $failures = @($shell.Streams.Error | Where-Object { $_.FullyQualifiedErrorId -notlike 'AgbExecution*' })   # the error example is deliberate
        $failures | Should -BeNullOrEmpty -Because ($failures | Out-String)
        $output.Trim() | Should -Not -BeNullOrEmpty
    }
}
