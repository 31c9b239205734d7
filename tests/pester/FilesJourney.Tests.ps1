#requires -Version 7.4
# Files in and out of sessions, as users move them: an admin's R report, a Pester infrastructure test with a config
# file, round trips with Copy-AgbItem, and a session that tries to smuggle a host file out through a link.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module (Join-Path $AgbModuleDir 'AgbCode.psd1') -Force
    $script:s = New-AgbSession -Name "files-$PID"
    Push-Location $TestDrive
    function Invoke-Py([string] $Code) {
        $result = Invoke-AgbCode -Session $s -Language py -Quiet -Code $Code
        $result.Success | Should -BeTrue -Because $result.ErrorMessage
        $result
    }
}

AfterAll {
    Pop-Location
    Get-AgbSession -Name "files-$PID" | Remove-AgbSession
}

Describe 'An admin''s R report' {
    BeforeAll {
        New-Item -ItemType Directory -Force report | Out-Null
        Set-Content report/data.csv "region,sales`nnorth,120`nsouth,80`neast,100"
        Set-Content report/plot.R @'
sales <- read.csv("data.csv")
png("sales.png"); barplot(sales$sales, names.arg = sales$region); invisible(dev.off())
sales$share <- round(sales$sales / sum(sales$sales), 2)
write.csv(sales, "summary/shares.csv", row.names = FALSE)
cat("total", sum(sales$sales), "\n")
'@
    }

    It 'reads data.csv beside the script and brings the plot and CSV back with -OutputPath (fresh session)' {
        New-Item -ItemType Directory -Force report/summary | Out-Null
        Set-Content report/summary/README.txt 'summaries go here'
        $output = Invoke-AgbCode -Path ./report/plot.R -InputPath ./report/data.csv, ./report/summary -OutputPath ./results -PassThru 6>$null
        $result = $output | Where-Object { $_ -is [AgbCode.Core.Results.EnhancedCodeExecutionResult] }
        $result.Success | Should -BeTrue -Because $result.ErrorMessage
        $result.Stdout | Should -Be "total 300 `n"
        $files = @($output | Where-Object { $_ -is [System.IO.FileInfo] })
        $files.FullName | Sort-Object | Should -Be @((Join-Path $TestDrive 'results/sales.png'), (Join-Path $TestDrive 'results/summary/shares.csv'))
        [System.IO.File]::ReadAllBytes((Join-Path $TestDrive 'results/sales.png'))[1..3] | Should -Be ([byte[]][char[]]'PNG')
        (Import-Csv results/summary/shares.csv | Where-Object region -EQ north).share | Should -Be '0.4'
        Test-Path results/data.csv, results/summary/README.txt | Should -Be @($false, $false) -Because 'unchanged inputs are not outputs'
        Get-AgbSession -Id $result.SessionId -ErrorAction SilentlyContinue | Should -BeNullOrEmpty -Because 'the fresh session is removed after the copy back'
    }

    It 'tells a script that reads a file beside it, not sent, how to send it' {
        $result = Invoke-AgbCode -Path ./report/plot.R -ErrorVariable failed -ErrorAction SilentlyContinue 6>$null
        $result.Success | Should -BeFalse
        $failed[0].ErrorDetails.RecommendedAction | Should -BeLike "'data.csv' is beside plot.R here, but a run sends only its script: send it with -InputPath ./report/data.csv *"
    }

    It 'tells <Language> code that reads a file in the current folder how to send it, and says nothing of files that are not here' -ForEach @(
        @{ Language = 'java'; Code = 'java.nio.file.Files.readString(java.nio.file.Path.of("report/data.csv"))'; Missing = 'java.nio.file.Files.readString(java.nio.file.Path.of("nowhere.csv"))' }
        @{ Language = 'javascript'; Code = 'require("fs").readFileSync("report/data.csv", "utf8")'; Missing = 'require("fs").readFileSync("nowhere.csv", "utf8")' }
    ) {
        Invoke-AgbCode -Language $Language -Code $Code -Quiet -ErrorVariable failed -ErrorAction SilentlyContinue | Out-Null
        $failed[0].ErrorDetails.RecommendedAction | Should -BeLike "'report/data.csv' is in the current folder here, but a run sends only its code: send it with -InputPath ./report/data.csv *"
        Invoke-AgbCode -Language $Language -Code $Missing -Quiet -ErrorVariable failed -ErrorAction SilentlyContinue | Out-Null
        $failed.Count | Should -Be 1
        $failed[0].ErrorDetails.RecommendedAction | Should -BeNullOrEmpty
    }

    It 'tells a <Language> script (<Script>) that imports a module of its own beside it, not sent, how to send it' -ForEach @(
        @{ Language = 'python'; Script = 'main.py'; Code = "import helpers`nprint(helpers.greet())"; Module = 'helpers.py'; ModuleCode = "def greet():`n    return 'hi'" }
        @{ Language = 'javascript'; Script = 'main.js'; Code = 'console.log(require("./helpers").greet())'; Module = 'helpers.js'; ModuleCode = 'module.exports = { greet: () => "hi" };' }
        @{ Language = 'javascript'; Script = 'main.mjs'; Code = "import { greet } from './helpers.mjs';`nconsole.log(greet())"; Module = 'helpers.mjs'; ModuleCode = 'export const greet = () => "hi";' }
    ) {
        New-Item -ItemType Directory -Force "app-$Language" | Out-Null
        Set-Content "app-$Language/$Script" $Code
        Set-Content "app-$Language/$Module" $ModuleCode
        Invoke-AgbCode -Path "./app-$Language/$Script" -Quiet -ErrorVariable failed -ErrorAction SilentlyContinue | Out-Null
        $failed[0].ErrorDetails.RecommendedAction | Should -BeLike "'$Module' is beside $Script here, but a run sends only its script: send it with -InputPath ./app-$Language/$Module *"
        (Invoke-AgbCode -Path "./app-$Language/$Script" -InputPath "./app-$Language/$Module" -Quiet).Stdout | Should -Be "hi`n"
    }

    It 'refuses an -OutputPath that is a file, before anything runs' {
        Set-Content ./not-a-folder 'x'
        { Invoke-AgbCode -Session $s -Language py -Code 'open("ran.txt", "w").write("1")' -OutputPath ./not-a-folder -ErrorAction Stop } |
            Should -Throw -ErrorId 'AgbFolderUnusable,AgbCode.PowerShell.Cmdlets.InvokeAgbCodeCommand'
        Get-AgbChildItem -Session $s -Path ran.txt -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-Content ./not-a-folder | Should -Be 'x'
    }

    It 'refuses the run when an input is missing, before anything runs' {
        { Invoke-AgbCode -Path ./report/plot.R -InputPath ./report/missing.csv -ErrorAction Stop } |
            Should -Throw -ErrorId 'AgbPathNotFound,AgbCode.PowerShell.Cmdlets.InvokeAgbCodeCommand'
    }
}

Describe 'A Pester infrastructure test' {
    BeforeAll {
        Set-Content (Join-Path $TestDrive 'app.json') '{ "maxConnections": 50, "hosts": ["db1", "db2"], "owner": "O''Brien" }'
        Copy-AgbItem -Path (Join-Path $TestDrive 'app.json') -Destination config/app.json -ToSession "files-$PID"   # a session by name
    }

    It 'reads the copied config in the session and asserts on the values' {
        $result = Invoke-Py "import json`nconfig = json.load(open('config/app.json'))`nprint(config['owner'])`nconfig['maxConnections'] * len(config['hosts'])"
        $result.Text | Should -Be '100'
        $result.Stdout | Should -Be "O'Brien`n"
    }
}

Describe 'Copy-AgbItem round trips' {
    BeforeAll {
        New-Item -ItemType Directory -Force tree/sub/deeper | Out-Null
        Set-Content tree/a.txt 'alpha'
        Set-Content tree/sub/b.csv 'x,y'
        Set-Content tree/sub/deeper/c.txt 'gamma'
        [System.IO.File]::WriteAllBytes((Join-Path $TestDrive 'tree/bytes.bin'), [byte[]](0..255))
    }

    It 'copies a folder in and out with -Recurse, byte for byte' {
        Copy-AgbItem -Path ./tree -ToSession $s -Recurse
        (Get-AgbChildItem -Session $s -Path tree -Recurse | Where-Object { -not $_.IsDirectory }).Path | Sort-Object |
            Should -Be @('tree/a.txt', 'tree/bytes.bin', 'tree/sub/b.csv', 'tree/sub/deeper/c.txt')
        $copied = Copy-AgbItem -Path tree -Destination ./back -FromSession $s -Recurse -PassThru
        ($copied | Where-Object { $_ -is [System.IO.FileInfo] }).Count | Should -Be 4
        Get-Content back/sub/deeper/c.txt | Should -Be 'gamma'
        (Get-FileHash back/bytes.bin).Hash | Should -Be (Get-FileHash tree/bytes.bin).Hash
    }

    It 'refuses to copy several items out into a destination that is a file, and leaves the file as it was' {
        Set-Content ./one-file 'kept'
        Copy-AgbItem -Path 'tree/sub/*' -Destination ./one-file -FromSession $s -Recurse -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'AgbFolderUnusable,AgbCode.PowerShell.Cmdlets.CopyAgbItemCommand'
        $failures[0].Exception.Message | Should -BeLike "*one-file' must be a folder, and it is a file."
        Get-Content ./one-file | Should -Be 'kept'
    }

    It 'needs -Recurse for a folder, as Copy-Item' {
        Copy-AgbItem -Path ./tree -ToSession $s -Destination nope -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'AgbFolderNeedsRecurse,AgbCode.PowerShell.Cmdlets.CopyAgbItemCommand'
        Get-AgbChildItem -Session $s -Path nope -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'matches wildcards in the session against its listing, and binds piped items by property name' {
        $files = Copy-AgbItem -Path 'tree/*/*.csv', 'tree/*.txt' -FromSession $s -Destination ./wild -PassThru
        $files.Name | Sort-Object | Should -Be @('a.txt', 'b.csv')
        $piped = Get-AgbChildItem -Session $s -Path tree -Recurse -Filter c.txt | Copy-AgbItem -Destination ./piped/ -PassThru
        $piped.FullName | Should -Be (Join-Path $TestDrive 'piped/c.txt')
        $in = Get-ChildItem ./tree -Filter *.txt | Copy-AgbItem -ToSession $s.Id -Destination piped-in/ -PassThru
        $in.Path | Should -Be 'piped-in/a.txt'
    }

    It 'reaches the sandbox''s /tmp, shared with the kernels' {
        Invoke-Py "open('/tmp/scratch.txt', 'w').write('from the kernel')" | Out-Null
        (Get-AgbChildItem -Session $s -Path '/tmp/scratch*').Path | Should -Be '/tmp/scratch.txt'
        $file = Copy-AgbItem -Path /tmp/scratch.txt -FromSession $s -Destination ./fromtmp.txt -PassThru
        Get-Content $file | Should -Be 'from the kernel'
    }

    It 'changes nothing with -WhatIf' {
        Copy-AgbItem -Path tree -FromSession $s -Destination ./whatif -Recurse -WhatIf
        Test-Path ./whatif | Should -BeFalse
        Remove-AgbItem -Session $s -Path tree -Recurse -WhatIf
        Get-AgbChildItem -Session $s -Path tree/a.txt | Should -Not -BeNullOrEmpty
    }

    It 'keeps existing files without -Force, one error each, and overwrites with -Force' {
        Set-Content ./keep.txt 'mine'
        Invoke-Py "open('keep.txt', 'w').write('theirs')" | Out-Null
        Copy-AgbItem -Path keep.txt -FromSession $s -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'AgbFileExists,AgbCode.PowerShell.Cmdlets.CopyAgbItemCommand'
        Get-Content ./keep.txt | Should -Be 'mine'
        Copy-AgbItem -Path keep.txt -FromSession $s -Force
        Get-Content ./keep.txt | Should -Be 'theirs'

        Copy-AgbItem -Path ./keep.txt -ToSession $s -Destination tree/a.txt -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'AgbItemExists,AgbCode.PowerShell.Cmdlets.CopyAgbItemCommand'
        (Invoke-Py "open('tree/a.txt').read().strip()").Text | Should -Be "'alpha'"
    }

    It 'round-trips odd names: <Name>' -ForEach @(
        @{ Name = 'with space.txt' }, @{ Name = '-rf' }, @{ Name = '--help.txt' }, @{ Name = 'ünïcødé ✓.txt' }, @{ Name = "line`nbreak.txt" }, @{ Name = "ünï`ncødé.txt" }, @{ Name = '[brackets].txt' }
    ) {
        $local = Join-Path $TestDrive 'odd'
        New-Item -ItemType Directory -Force $local, (Join-Path $TestDrive 'odd-back') | Out-Null
        Set-Content -LiteralPath (Join-Path $local $Name) -Value $Name
        Copy-AgbItem -LiteralPath (Join-Path $local $Name) -ToSession $s -Destination odd/
        $item = Get-AgbChildItem -Session $s -LiteralPath "odd/$Name"
        $item.Name | Should -Be $Name
        $item | Copy-AgbItem -Destination (Join-Path $TestDrive 'odd-back')
        [System.IO.File]::ReadAllText((Join-Path $TestDrive "odd-back/$Name")) | Should -Be "$Name`n"
    }

    It 'shows names with control characters escaped in the table view' {
        Invoke-Py "open('evil\x1b[2Jname.txt', 'w').write('x')" | Out-Null
        $table = Get-AgbChildItem -Session $s -Filter 'evil*' | Out-String
        $table | Should -Match ([regex]::Escape("evil$([char]0x241B)[2Jname.txt"))   # ESC shown as its control picture
        $table | Should -Not -Match "`e\[2J"
        $table | Should -Match '-rw-r--r--'
    }

    It 'removes items, a non-empty folder only with -Recurse' {
        Remove-AgbItem -Session $s -Path tree -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'AgbFolderNotEmpty,AgbCode.PowerShell.Cmdlets.RemoveAgbItemCommand'
        Get-AgbChildItem -Session $s -Path tree -Filter '*.txt' -Recurse | Remove-AgbItem
        (Get-AgbChildItem -Session $s -Path tree -Recurse | Where-Object Name -Like '*.txt') | Should -BeNullOrEmpty
        Remove-AgbItem -Session $s -Path tree -Recurse
        Get-AgbChildItem -Session $s -Path tree -ErrorVariable missing -ErrorAction SilentlyContinue
        $missing[0].FullyQualifiedErrorId | Should -Be 'AgbItemNotFound,AgbCode.PowerShell.Cmdlets.GetAgbChildItemCommand'
    }
}

Describe 'A hostile session' -Tag Local {
    It 'cannot bring a host file out through a link it planted' {
        Invoke-Py "import os`nos.symlink('/etc/shadow', 'shadow')`nos.makedirs('loot', exist_ok=True)`nos.symlink('/etc/shadow', 'loot/shadow')`nos.symlink('../../../../etc', 'loot/etc')" | Out-Null
        New-Item -ItemType Directory -Force ./hostile | Out-Null
        Copy-AgbItem -Path shadow -FromSession $s -Destination ./hostile -ErrorVariable failures -ErrorAction SilentlyContinue
        Copy-AgbItem -Path loot -FromSession $s -Destination ./hostile -Recurse -ErrorVariable +failures -ErrorAction SilentlyContinue
        $failures.FullyQualifiedErrorId | Should -Be (@('AgbLinkOutside,AgbCode.PowerShell.Cmdlets.CopyAgbItemCommand') * 3)
        Get-ChildItem ./hostile -Recurse -Force | ForEach-Object { $_.LinkTarget | Should -BeNullOrEmpty }
        (Get-ChildItem ./hostile -Recurse -Force -File) | Should -BeNullOrEmpty
    }

    It 'cannot hand out a FIFO' {
        Invoke-Py "import os`nos.mkfifo('pipe')" | Out-Null
        Copy-AgbItem -Path pipe -FromSession $s -Destination ./hostile -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'AgbUnsupportedItem,AgbCode.PowerShell.Cmdlets.CopyAgbItemCommand'
        Test-Path ./hostile/pipe | Should -BeFalse
    }
}
