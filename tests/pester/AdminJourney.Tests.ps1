#requires -Version 7.4
# An admin at a console: creates a session, runs files by path, saves a plot, reads the views, cleans up.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $moduleDir = $AgbModuleDir
    Import-Module (Join-Path $moduleDir 'AgbCode.psd1') -Force
    $script:s = New-AgbSession -Name "admin-$PID" -Language python -Label @{ owner = 'admin' }
    Set-Content -Path (Join-Path $TestDrive 'analysis.py') -Value "numbers = [3, 1, 2]`nprint('sorted:', sorted(numbers))`nsum(numbers)"
    Set-Content -Path (Join-Path $TestDrive 'report.py') -Value "print('report uses', numbers)"
    Set-Content -Path (Join-Path $TestDrive 'model.R') -Value "df <- data.frame(x = 1:5, y = c(2.1, 3.9, 6.2, 7.8, 10.1))`nmodel <- lm(y ~ x, data = df)`nround(coef(model)[['x']], 2)"
    Push-Location $TestDrive
}

AfterAll {
    Pop-Location
    Get-AgbSession -Name "admin-$PID*" | Remove-AgbSession
}

Describe 'An admin session' {
    It 'is found by name wildcard and by label' {
        (Get-AgbSession -Name "admin-$PID*").Id | Should -Be $s.Id
        (Get-AgbSession -Label @{ owner = 'admin' }).Id | Should -Contain $s.Id
    }

    It 'shows its whole id in the session table at 80 columns, local or a server''s' {
        (Get-AgbSession -Id $s.Id | Out-String -Width 80) | Should -Match ([regex]::Escape($s.Id))
    }

    It 'shows as a table with its kernels and isolation' -Tag Local {
        $table = Get-AgbSession -Id $s.Id | Out-String -Width 200
        $table | Should -Match "$($s.Id)\s+admin-\S*\s+Ready\s+python\s+sandbox"   # a long name is cut to fit 80 columns
    }

    It 'runs a file by relative path, inferring the language from its extension' {
        $result = Invoke-AgbCode -Path analysis.py -Session $s 6>$null
        $result.Success | Should -BeTrue
        $result.Stdout | Should -Be "sorted: [1, 2, 3]`n"
        $result.Text | Should -Be '6'
    }

    It 'runs files piped from Get-ChildItem, sharing the session state' {
        $results = Get-ChildItem -Filter *.py | Sort-Object Name | Invoke-AgbCode -Session $s -Quiet
        $results.Count | Should -Be 2
        $results[1].Stdout | Should -Be "report uses [3, 1, 2]`n"
    }

    It 'runs an R file with Invoke-AgbCode -Language r -Path, in the same session' {
        $result = Invoke-AgbCode -Language r -Path model.R -Session $s -Quiet
        $result.Success | Should -BeTrue -Because $result.ErrorMessage
        $result.Language | Should -Be 'r'
        $result.Text | Should -Be '[1] 1.99'
        (Get-AgbSession -Id $s.Id).Languages | Should -Match 'r'
    }

    It 'sees the same sessions from a thread job' {
        $manifest = (Get-Module AgbCode).Path
        $ids = Start-ThreadJob { Import-Module $using:manifest; Get-AgbSession | ForEach-Object Id } | Receive-Job -Wait -AutoRemoveJob
        $ids | Should -Contain $s.Id
    }

    It 'reports a missing file and still runs the others' {
        $results = Invoke-AgbCode -Path missing.py, report.py -Session $s -Quiet -ErrorVariable failures -ErrorAction SilentlyContinue
        @($results).Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'AgbPathNotFound,*'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'saves a plot as a real PNG file and shows no base64 in the result view' {
        $result = Invoke-AgbCode -Session $s -Language py -Quiet -Code "import matplotlib.pyplot as plt`nplt.plot([1, 4, 9])`nplt.show()"
        $view = $result | Out-String -Width 200
        $view | Should -Match 'image/png \d+\.\d KiB'
        $view | Should -Not -Match 'iVBOR'
        $files = $result | Save-AgbResult -Path (Join-Path $TestDrive 'plots')
        $png = $files | Where-Object Extension -EQ '.png'
        $png.Name | Should -Match '^python-\d+-1\.png$'
        [System.IO.File]::ReadAllBytes($png.FullName)[1..3] | Should -Be ([byte[]][char[]]'PNG')
        { $result | Save-AgbResult -Path (Join-Path $TestDrive 'plots') -ErrorAction Stop } | Should -Throw -ErrorId 'AgbFileExists,AgbCode.PowerShell.Cmdlets.SaveAgbResultCommand'
        $texts = $result | Save-AgbResult -Path (Join-Path $TestDrive 'texts') -Format Text
        $texts.Name | Should -Be @($result.Results | ForEach-Object { $i = 0 } { $i++; "python-$($result.ExecutionCount)-$i.txt" })
    }

    It 'completes -Language with the four names' -Tag Local {
        $line = 'Invoke-AgbCode -Language j'
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Should -Be @('java', 'javascript')
    }

    It 'streams output that prints like the program''s own' {
        $text = Invoke-AgbCode -Session $s -Language py -Code "for i in range(3): print('line', i)" -Stream | Out-String
        $text.Trim() -split "`n" | ForEach-Object TrimEnd | Should -Be @('line 0', 'line 1', 'line 2')
    }

    It 'lists the languages with the runtimes the engine has' -Tag Local {
        $python = Get-AgbLanguage -Name py
        $python.Name | Should -Be 'python'
        $python.Available | Should -BeTrue
        $python.Runtime | Should -Match '^Python 3'
        (Get-AgbLanguage | Out-String) | Should -Match 'javascript\s+\w+'
    }

    It 'refuses an unknown image, listing the known ones' {
        { New-AgbSession -Image agb-browser-use-1 -ErrorAction Stop } | Should -Throw -ExpectedMessage '*agb-code-space-1, agb-code-space-2*'
    }

    It 'removes the session only when asked, and says when it is already gone' {
        Remove-AgbSession -Session $s -WhatIf
        (Get-AgbSession -Id $s.Id).State | Should -Be 'Ready'
        $removed = $s | Remove-AgbSession -PassThru
        $removed.Id | Should -Be $s.Id
        Remove-AgbSession -Id $s.Id -ErrorVariable gone -ErrorAction SilentlyContinue
        $gone[0].FullyQualifiedErrorId | Should -Be 'AgbSessionNotFound,AgbCode.PowerShell.Cmdlets.RemoveAgbSessionCommand'
        $gone[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
