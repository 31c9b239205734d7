#requires -Version 7.4
# Script files behave as when run directly, output reads like a native command's, and the parameters never surprise (issue 12).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module (Join-Path $AgbModuleDir 'AgbCode.psd1') -Force
    $script:s = New-AgbSession -Name "scripts-$PID" -Language python
    Push-Location $TestDrive
    # What the host would show, in order: each live chunk as "Stdout:text" / "Stderr:text".
    function Get-HostChunk([scriptblock] $Action) {
        & $Action 6>&1 | Where-Object { $_ -is [System.Management.Automation.InformationRecord] } |
            ForEach-Object { '{0}:{1}' -f ($_.Tags -ne 'PSHOST')[0], $_.MessageData.Message }
    }
}

AfterAll {
    Pop-Location
    Remove-AgbSession -Session $s
}

Describe 'Exit status' {
    It '<Language>: <Exit> is a success that prints nothing' -ForEach @(
        @{ Language = 'python'; Exit = 'import sys; sys.exit(0)' }
        @{ Language = 'r'; Exit = 'quit(status = 0)' }
        @{ Language = 'javascript'; Exit = 'process.exit(0)' }
        @{ Language = 'java'; Exit = 'System.exit(0);' }
    ) {
        $result = Invoke-AgbCode -Language $Language -Code $Exit -TimeoutSec 120 -ErrorVariable failures 6>&1
        $result | Should -HaveCount 1   # no live output at all, no SystemExit, no "To exit: use 'exit'"
        $result.Success | Should -BeTrue
        $result.ExitCode | Should -Be 0
        $failures | Should -BeNullOrEmpty
    }

    It '<Language>: <Exit> fails the run with code <Code>' -ForEach @(
        @{ Language = 'python'; Exit = 'import sys; sys.exit(3)'; Code = 3 }
        @{ Language = 'r'; Exit = 'quit(status = 5)'; Code = 5 }
        @{ Language = 'javascript'; Exit = 'process.exit(4)'; Code = 4 }
        @{ Language = 'javascript'; Exit = 'process.exitCode = 4'; Code = 4 }
        @{ Language = 'java'; Exit = 'System.exit(2);'; Code = 2 }
    ) {
        $result = Invoke-AgbCode -Language $Language -Code $Exit -TimeoutSec 120 -ErrorVariable failures -ErrorAction SilentlyContinue
        $result.Success | Should -BeFalse
        $result.ExitCode | Should -Be $Code
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'AgbExitCode,*'
        "$($failures[0])" | Should -BeLike "*SystemExit: exit code $Code"
    }

    It 'a script file that exits keeps the kernel of the session: its state survives' {
        Set-Content exits.py "import sys`nkept = 'yes'`nsys.exit(1)"
        Invoke-AgbCode -Session $s ./exits.py -ErrorAction SilentlyContinue | ForEach-Object ExitCode | Should -Be 1
        (Invoke-AgbCode -Session $s -Language python -Code 'kept').Text | Should -Be "'yes'"
    }
}

Describe '-Stream' {
    It 'writes 100,000 printed lines as exactly 100,000 strings' {
        $lines = Invoke-AgbCode -Session $s -Language python -Code 'for i in range(100000): print(f"line {i}")' -Stream -TimeoutSec 120
        $lines | Should -HaveCount 100000
        $lines[0] | Should -BeExactly 'line 0'
        $lines[-1] | Should -BeExactly 'line 99999'
        ($lines | Select-String -SimpleMatch 'line 9999').Count | Should -Be 11   # 9999 and 99990..99999: no line split
    }

    It 'writes print("a\nb\nc") as three strings, like a native command' {
        $out = Invoke-AgbCode -Session $s -Language python -Code 'print("a\nb\nc")' -Stream
        $out | Should -Be @('a', 'b', 'c')
        $out | ForEach-Object { $_ | Should -BeOfType [string] }
        Invoke-AgbCode -Session $s -Language python -Code 'print("ok")' -Stream | Should -BeExactly 'ok'
    }

    It 'writes a last line without newline when the run ends' {
        Invoke-AgbCode -Language javascript -Code "process.stdout.write('one\ntwo')" -Stream | Should -Be @('one', 'two')
    }

    It 'keeps stderr live on the host, not in the pipeline' {
        $all = Invoke-AgbCode -Session $s -Language python -Code "import sys`nprint('out')`nprint('err', file=sys.stderr)" -Stream 6>&1
        $all[0] | Should -BeExactly 'out'
        $all[1].Tags | Should -Contain 'Stderr'
        $all | Should -HaveCount 2
    }

    It 'stops the code when a command downstream needs no more lines' {
        $first = Invoke-AgbCode -Session $s -Language python -Code "import time`nwhile True: print('tick', flush=True); time.sleep(0.1)" -Stream |
            Select-Object -First 2
        $first | Should -Be @('tick', 'tick')
        # the endless loop holds the kernel unless it was stopped: the next run could only time out behind it
        $next = Invoke-AgbCode -Session $s -Language python -Code "'free'" -TimeoutSec 30 -ErrorAction SilentlyContinue
        $next.Success | Should -BeTrue
        $next.Text | Should -Be "'free'"
    }
}

Describe 'Order of stdout and stderr on the host' {
    It 'R: ok comes before the warning raised after it, and a message between the halves of a line' {
        Get-HostChunk { Invoke-AgbCode -Language r -Code "cat('ok\n')`nwarning('late')`ncat('a'); message('m'); cat('b\n')" } |
            Should -Be @("Stdout:ok`n", "Stderr:Warning message:`nlate `n", 'Stdout:a', "Stderr:m`n", "Stdout:b`n")
    }

    It 'Java: err 1 comes after tick 1' {
        $chunks = Get-HostChunk { Invoke-AgbCode -Language java -TimeoutSec 120 -Code 'for (int i = 1; i <= 50; i++) { System.out.println("tick " + i); System.err.println("err " + i); }' }
        $chunks | Should -Be @(1..50 | ForEach-Object { "Stdout:tick $_`n"; "Stderr:err $_`n" })
    }
}

Describe 'Parameters' {
    It '-Session $null is an error, not a throwaway session' {
        { Invoke-AgbCode -Session $null -Language python -Code '1' -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentTransformationError,AgbCode.PowerShell.Cmdlets.InvokeAgbCodeCommand' -ExpectedMessage '*-Session is $null*'
    }

    It '-Session takes a session name' {
        (Invoke-AgbCode -Session "scripts-$PID" -Language python -Code '6 * 7').Text | Should -Be '42'
    }

    It '-Session completes session ids and names, not file names' {
        Set-Content "scripts-file.txt" 'not a session'
        $completions = (TabExpansion2 "Invoke-AgbCode 1 python -Session scripts-").CompletionMatches
        $completions.CompletionText | Should -Be @($s.Id)
    }

    It 'a positional ./x.R runs the file' {
        Set-Content x.R 'cat("from x.R\n")'
        (Invoke-AgbCode ./x.R -Quiet).Stdout | Should -BeExactly "from x.R`n"
    }

    It 'a positional *.py runs each file in the language its extension names' {
        Set-Content a.py 'print("a")'
        Set-Content b.py 'print("b")'
        Invoke-AgbCode *.py -Stream | Should -Be @('a', 'b')
    }

    It 'a positional path that does not exist is AgbPathNotFound, not code' {
        Invoke-AgbCode ./missing.R -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'AgbPathNotFound,*'
    }

    It 'code stays code: with -Language, and when it is not a path' {
        Invoke-AgbCode 'print("x.py")' python -Session $s -Stream | Should -BeExactly 'x.py'
    }

    It '-Language may be left out when the session has exactly one kernel' {
        Invoke-AgbCode -Session $s -Code 'print("only python")' -Stream | Should -BeExactly 'only python'
    }

    It 'code without -Language and without a one-kernel session is AgbLanguageRequired' {
        Invoke-AgbCode -Code 'print(1)' -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'AgbLanguageRequired,*'
    }
}

Describe 'Views' {
    It 'the default result view does not repeat the live output, and names no session that is gone' {
        $result = Invoke-AgbCode -Language python -Code "print('shown live')`n6 * 7" 6>$null
        $view = $result | Out-String
        $view | Should -Match 'Success\s+: True'
        $view | Should -Match 'Results \(\* main\)\s+: \[1\]\* 42'
        $view | Should -Not -Match 'Stdout|shown live'
        $view | Should -Not -Match $result.SessionId
        ($result | Format-List * | Out-String) | Should -Match 'shown live'
    }

    It 'names no session when shown at once, while the run''s own session is still being removed' {
        # Formatted in the pipeline, as a host shows it: the result comes out before the run's session is removed.
        $view = Invoke-AgbCode -Language python -Code '6 * 7' 6>$null | Out-String
        $view | Should -Match 'Success\s+: True'
        $view | Should -Not -Match 'Session\s+:'
    }

    It 'names the session while it exists, and shows the exit code' {
        $result = Invoke-AgbCode -Session $s -Language python -Code 'import sys; sys.exit(0)'
        $view = $result | Out-String
        $view | Should -Match "Session\s+: $($s.Id)"
        $view | Should -Match 'ExitCode\s+: 0'
    }

    It 'a failed run shows its traceback in the view, the error record and Get-Error' {
        $result = Invoke-AgbCode -Session $s -Language python -Code "def inner():`n    return 1 / 0`ninner()" -ErrorVariable failures -ErrorAction SilentlyContinue
        ($result | Out-String) | Should -Match '(?s)Traceback\s+:.*inner\(\).*ZeroDivisionError'
        $failures[0].ErrorDetails.Message | Should -Match '(?s)inner\(\).*return 1 / 0.*ZeroDivisionError: division by zero'
        ($failures[0] | Get-Error | Out-String) | Should -Match 'return 1 / 0'
    }
}

Describe 'Session table' {
    It 'keeps Isolation and Location at 80 columns, even with a long name' {
        $long = New-AgbSession -Name "a-rather-long-session-name-$PID"
        try {
            $table = Get-AgbSession -Id $long.Id | Format-Table | Out-String -Width 80
            $header = ($table -split "`n" | Where-Object { $_ -match '^Id\s' })
            $header | Should -Match 'Isolation'
            $header | Should -Match 'Location'
            $table | Should -Match 'sandbox|weaker'
            $table | Should -Match 'local'
        }
        finally {
            Remove-AgbSession -Session $long
        }
    }
}
