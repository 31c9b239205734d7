#requires -Version 7.4
# The cmdlets' parameters never surprise (issue 12): sessions named by id or name, Get-AgbLanguage that cannot reach its
# endpoint, -ArgumentList wherever something runs.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module (Join-Path $AgbModuleDir 'AgbCode.psd1') -Force
    $script:s = New-AgbSession -Name "parameters-$PID" -Language python
    Push-Location $TestDrive
    Set-Content args.py 'import sys; print(sys.argv)'
}

AfterAll {
    Pop-Location
    Get-AgbSession -ErrorAction SilentlyContinue | Remove-AgbSession
}

Describe 'A -Session that names no session' {
    It '<Command> reports AgbSessionNotFound (ObjectNotFound), naming it and the fix' -ForEach @(
        @{ Command = 'Invoke-AgbCode'; Action = { Invoke-AgbCode -Session nosuch -Language python -Code 'print(1)' } }
        @{ Command = 'Get-AgbChildItem'; Action = { Get-AgbChildItem -Session nosuch } }
        @{ Command = 'Remove-AgbItem'; Action = { Remove-AgbItem -Session nosuch x.txt } }
        @{ Command = 'Copy-AgbItem'; Action = { Copy-AgbItem args.py -ToSession nosuch } }
        @{ Command = 'Copy-AgbItem'; Action = { Copy-AgbItem x.txt -FromSession nosuch } }
        @{ Command = 'Remove-AgbSession'; Action = { Remove-AgbSession -Session nosuch } }
    ) {
        $ErrorActionPreference = 'Continue'
        $before = @(Get-AgbSession).Count
        $all = & $Action 2>&1 6>$null
        $failures = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] } | Should -BeNullOrEmpty   # no result from a fresh session instead
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'AgbSessionNotFound,AgbCode.PowerShell.Cmdlets.*'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].TargetObject | Should -Be 'nosuch'
        "$($failures[0])" | Should -BeLike "*'nosuch'*"
        $failures[0].ErrorDetails.RecommendedAction | Should -BeLike '*Get-AgbSession*'
        @(Get-AgbSession).Count | Should -Be $before
    }

    It 'sets $? to false and stops a script under -ErrorAction Stop, like a missing Get-Job -Name' {
        Invoke-AgbCode -Session nosuch -Language python -Code '1' -ErrorAction SilentlyContinue
        $succeeded = $?
        $succeeded | Should -BeFalse
        { Invoke-AgbCode -Session nosuch -Language python -Code '1' -ErrorAction Stop } |
            Should -Throw -ErrorId 'AgbSessionNotFound,AgbCode.PowerShell.Cmdlets.InvokeAgbCodeCommand'
    }

    It 'a session piped by id is looked up per input: the good ones still run' {
        Copy-AgbItem args.py -ToSession $s
        $results = 'nosuch', $s.Id | ForEach-Object { [pscustomobject]@{ SessionId = $_ } } |
            Get-AgbChildItem -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures | Should -HaveCount 1
        $failures[0].TargetObject | Should -Be 'nosuch'
        $results.Name | Should -Be 'args.py'
    }
}

Describe 'Remove-AgbSession by name or id' {
    BeforeEach {
        $script:demo = New-AgbSession -Name "demo-$PID"
        $script:demo2 = New-AgbSession -Name "demo-$PID-2"
    }
    AfterEach {
        Get-AgbSession -Name "demo-$PID*" | Remove-AgbSession
    }

    It 'takes a name, positionally, as Get-AgbSession does' {
        Remove-AgbSession "demo-$PID" -PassThru | ForEach-Object Id | Should -Be $demo.Id
        Get-AgbSession -Name "demo-$PID*" | ForEach-Object Id | Should -Be $demo2.Id
    }

    It 'takes an id, positionally' {
        Remove-AgbSession $demo2.Id
        Get-AgbSession -Name "demo-$PID*" | ForEach-Object Id | Should -Be $demo.Id
    }

    It 'takes wildcards: every session they match, none without an error when they match nothing' {
        (Remove-AgbSession "demo-$PID*" -PassThru).Id | Sort-Object | Should -Be (@($demo.Id, $demo2.Id) | Sort-Object)
        Remove-AgbSession "no-such-$PID-*" -ErrorVariable failures
        $failures | Should -BeNullOrEmpty
    }

    It 'keeps -WhatIf and -Confirm: they name the session, and without a yes nothing is removed' {
        # What -WhatIf says and a prompt's refusal reach the console, so ask a fresh, non-interactive pwsh
        $script = @"
Import-Module '$(Join-Path $AgbModuleDir 'AgbCode.psd1')'
`$null = New-AgbSession -Name demo
Remove-AgbSession demo -WhatIf
try { Remove-AgbSession demo -Confirm } catch { 'refused: ' + `$_.FullyQualifiedErrorId }
'left: ' + (Get-AgbSession -Name demo).Count
"@
        $said = & $PwshCommand[0] @($PwshCommand | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $script 2>&1 | Out-String
        $said | Should -Match "What if: Performing the operation `"Remove`" on target `"session session-[\w-]+ \(name 'demo'\)`""
        $said | Should -Match 'refused: '
        $said | Should -Match 'left: 1'
    }
}

Describe 'An endpoint this process cannot reach' {
    It 'writes an error naming the endpoint, the cause and the fix, and sets $? to false' {
        $key = ConvertTo-SecureString 'test-key' -AsPlainText -Force
        $languages = Get-AgbLanguage -Endpoint 'http://127.0.0.1:9' -ApiKey $key -ErrorVariable failures -ErrorAction SilentlyContinue
        $succeeded = $?
        $succeeded | Should -BeFalse
        $languages | Should -BeNullOrEmpty
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'AgbConnectionFailed,AgbCode.PowerShell.Cmdlets.GetAgbLanguageCommand'
        "$($failures[0])" | Should -BeLike '*http://127.0.0.1:9*refused*'
        $failures[0].ErrorDetails.RecommendedAction | Should -BeLike '*-Endpoint*'
    }

    It 'once only asked for its languages, is not one of the backends Get-AgbSession lists' {
        $key = ConvertTo-SecureString 'test-key' -AsPlainText -Force
        Get-AgbLanguage -Endpoint 'http://127.0.0.1:9' -ApiKey $key -ErrorAction SilentlyContinue
        Get-AgbSession -Name "parameters-$PID" -ErrorVariable failures -ErrorAction SilentlyContinue | ForEach-Object Id | Should -Be $s.Id
        $failures | Should -BeNullOrEmpty   # every later test file in this process would fail on it otherwise
        (Invoke-AgbCode -Session "parameters-$PID" -Language python -Code '6 * 7').Text | Should -Be '42'
    }
}

Describe '-ArgumentList wherever a file runs' {
    It 'reaches <Case>' -ForEach @(
        @{ Case = 'a positional script path'; Action = { Invoke-AgbCode ./args.py -ArgumentList a, b -Stream } }
        @{ Case = '-Path'; Action = { Invoke-AgbCode -Path ./args.py -ArgumentList a, b -Stream } }
        @{ Case = '-LiteralPath'; Action = { Invoke-AgbCode -LiteralPath ./args.py -ArgumentList a, b -Stream } }
        @{ Case = 'piped files'; Action = { Get-Item ./args.py | Invoke-AgbCode -ArgumentList a, b -Stream } }
        @{ Case = 'a file in a given session'; Action = { Invoke-AgbCode -Session $s ./args.py -ArgumentList a, b -Stream } }
    ) {
        & $Action | Should -BeExactly "['args.py', 'a', 'b']"
    }

    It 'reaches inline <Language> code as its command line would (python3 -c, node -e, Rscript -e, jshell)' -ForEach @(
        @{ Language = 'python'; Code = 'import sys; print(sys.argv)'; Expected = "['-c', 'a', 'b c']" }
        @{ Language = 'javascript'; Code = 'console.log(JSON.stringify(process.argv.slice(2)))'; Expected = '["a","b c"]' }
        @{ Language = 'r'; Code = 'cat(commandArgs(trailingOnly = TRUE), sep = "|")'; Expected = 'a|b c' }
        @{ Language = 'java'; Code = 'System.out.println(String.join("|", args));'; Expected = 'a|b c' }
    ) {
        Invoke-AgbCode -Language $Language -Code $Code -ArgumentList a, 'b c' -TimeoutSec 120 -Stream | Should -BeExactly $Expected
    }
}

Describe 'The spare session made ahead' -Tag Local {
    BeforeAll {
        # The engine makes spares in the background; wait for one (a hang guard only) so the pool is really exercised.
        function Wait-Spare {
            $space = [AgbCode.Engine.LocalCodeSpace]::Shared
            $spares = $space.GetType().GetProperty('Spares', [Reflection.BindingFlags] 'NonPublic, Instance')
            $deadline = [DateTime]::UtcNow.AddMinutes(2)
            while ($spares.GetValue($space).Count -eq 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $spares.GetValue($space).Count | Should -BeGreaterThan 0
        }
    }

    It 'New-AgbSession -Language python after an R run lists only python' {
        Invoke-AgbCode -Language r -Code 'x <- 1' | Out-Null   # a session per run, for R: spares hold R from now on
        Wait-Spare
        $python = New-AgbSession -Language python
        try {
            $python.Kernels.Language | Should -Be 'python'
            $python.Languages | Should -BeExactly 'python'
        }
        finally {
            Remove-AgbSession $python
        }
    }

    It 'a session from the pool starts like a new one: first execution, no variables, empty workspace' {
        Invoke-AgbCode -Language python -Code 'leftover = 1' | Out-Null
        Wait-Spare
        $pooled = New-AgbSession -Language python
        try {
            $pooled.Kernels.Language | Should -Be 'python'
            $probe = Invoke-AgbCode -Session $pooled -Code "import os`n('leftover' in globals(), os.listdir('.'))"
            $probe.ExecutionCount | Should -Be 1
            $probe.Text | Should -Be '(False, [])'
        }
        finally {
            Remove-AgbSession $pooled
        }
    }
}
