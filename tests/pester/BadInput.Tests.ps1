#requires -Version 7.4
# Bad input to the cmdlets: each case has a defined outcome, per input, before anything runs.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $moduleDir = $AgbModuleDir
    Import-Module (Join-Path $moduleDir 'AgbCode.psd1') -Force
    $script:s = New-AgbSession -Name "bad-input-$PID" -Language python
    Push-Location $TestDrive
    # the ErrorIds of the non-terminating errors the action writes
    function Get-FailureId([scriptblock] $Action) {
        $ErrorActionPreference = 'Continue'
        & $Action 2>&1 6>$null | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } |
            ForEach-Object { $_.FullyQualifiedErrorId -replace ',.*' }
    }
}

AfterAll {
    Pop-Location
    Remove-AgbSession -Session $s
}

Describe 'Invoke-AgbCode with bad input' {
    It 'refuses <Case> with <Id>' -ForEach @(
        @{ Case = 'an unknown language'; Id = 'AgbUnsupportedLanguage'; Action = { Invoke-AgbCode -Session $s -Language cobol -Code 'x' } }
        @{ Case = 'empty code'; Id = 'AgbEmptyCode'; Action = { Invoke-AgbCode -Session $s -Language py -Code '   ' } }
        @{ Case = 'a negative timeout'; Id = 'AgbInvalidTimeout'; Action = { Invoke-AgbCode -Session $s -Language py -Code '1' -TimeoutSec -5 } }
        @{ Case = 'a timeout of years'; Id = 'AgbInvalidTimeout'; Action = { Invoke-AgbCode -Session $s -Language py -Code '1' -TimeoutSec 1e9 } }
        @{ Case = 'code of 10 MiB'; Id = 'AgbCodeTooLarge'; Action = { Invoke-AgbCode -Session $s -Language py -Code ('#' * 10MB) } }
        @{ Case = 'NUL characters'; Id = 'AgbInvalidCode'; Action = { Invoke-AgbCode -Session $s -Language py -Code "1`0" } }
        @{ Case = 'a missing file'; Id = 'AgbPathNotFound'; Action = { Invoke-AgbCode -Session $s -Path ./missing.py } }
        @{ Case = 'a folder'; Id = 'AgbPathNotFile'; Action = { Invoke-AgbCode -Session $s -LiteralPath $TestDrive } }
        @{ Case = 'a path outside the file system'; Id = 'AgbPathNotFileSystem'; Action = { Invoke-AgbCode -Session $s -Path Env:HOME -Language py } }
        @{ Case = 'a file with no known extension'; Id = 'AgbLanguageUnknown'; Action = { Set-Content notes.txt 'print(1)'; Invoke-AgbCode -Session $s -Path notes.txt } }
    ) {
        Get-FailureId $Action | Should -Be $Id
    }

    It 'still runs the good inputs when some are bad' {
        Set-Content good.py 'print("good")'
        $results = Invoke-AgbCode -Session $s -Path missing.py, good.py -Quiet -ErrorVariable failures -ErrorAction SilentlyContinue
        @($results).Count | Should -Be 1
        $results.Stdout | Should -Be "good`n"
        @($failures).Count | Should -Be 1
    }
}

Describe 'Invoke-AgbCode with odd file names and encodings' {
    It 'runs <Name>' -ForEach @(
        @{ Name = 'a name with spaces and Unicode'; File = 'my script ✓ é.py'; Literal = $false }
        @{ Name = 'a name with wildcard characters, literally'; File = 'report[1].py'; Literal = $true }
        @{ Name = 'a name starting with a dash'; File = '-dash.py'; Literal = $true }
    ) {
        Set-Content -LiteralPath (Join-Path $TestDrive $File) -Value 'print("ran")'
        $result = if ($Literal) { Invoke-AgbCode -Session $s -LiteralPath (Join-Path $TestDrive $File) -Quiet }
                  else { Invoke-AgbCode -Session $s -Path (Join-Path $TestDrive $File) -Quiet }
        $result.Stdout | Should -Be "ran`n"
    }

    It 'reads <Encoding> files' -ForEach @(
        @{ Encoding = 'UTF-8 with a BOM'; Bytes = [byte[]](0xEF, 0xBB, 0xBF) + [Text.Encoding]::UTF8.GetBytes('print("naïve")'); Expected = "naïve`n" }
        @{ Encoding = 'UTF-16 with a BOM'; Bytes = [Text.Encoding]::Unicode.GetPreamble() + [Text.Encoding]::Unicode.GetBytes('print("naïve")'); Expected = "naïve`n" }
        @{ Encoding = 'Latin-1 (invalid UTF-8)'; Bytes = [Text.Encoding]::Latin1.GetBytes('print("naïve")'); Expected = "na`u{FFFD}ve`n" }
    ) {
        [IO.File]::WriteAllBytes((Join-Path $TestDrive 'encoded.py'), $Bytes)
        (Invoke-AgbCode -Session $s -LiteralPath (Join-Path $TestDrive 'encoded.py') -Quiet).Stdout | Should -Be $Expected
    }
}
