#requires -Version 7.4
# Contexts as a pipeline uses them: a dataset put into a context once, then read by ten ephemeral runs without copying
# it in; files a session writes there are there for the next session; a context is mounted by one session at a time.
# Written to run against the local engine and, with AGB_ENDPOINT set, against an AgbCode server (the same journey).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module (Join-Path $AgbModuleDir 'AgbCode.psd1') -Force
    $script:context = 'journey-' + [guid]::NewGuid().ToString('N').Substring(0, 12)
    $script:data = Join-Path $TestDrive 'data'
    New-Item -ItemType Directory -Path $data | Out-Null
    Set-Content -LiteralPath (Join-Path $data 'servers.csv') -Value "host,cpu`nweb1,91.5`nweb2,40`ndb1,12"
}

AfterAll {
    Get-AgbSession | Remove-AgbSession -ErrorAction Ignore
    Remove-AgbContext -Name $context -Confirm:$false -ErrorAction Ignore
}

Describe 'A context' {
    It 'is made once and shown as available' {
        $made = New-AgbContext -Name $context
        $made.Name | Should -Be $context
        $made.State | Should -Be 'available'
        $made.PSObject.TypeNames[0] | Should -Be 'AgbCode.Context'
        ($made | Out-String) | Should -Match "$context\s+available"
        (Get-AgbContext -Name 'journey-*').Name | Should -Contain $context
        $ev = $null
        New-AgbContext -Name $context -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $ev[0].FullyQualifiedErrorId | Should -Be 'AgbContextExists,AgbCode.PowerShell.Cmdlets.NewAgbContextCommand'
    }

    It 'gets a dataset once, then ten ephemeral runs read it without copying it in' {
        Copy-AgbItem -Path $data -Destination / -ToContext $context -Recurse
        $code = "import csv, os; rows = list(csv.reader(open('/contexts/$context/data/servers.csv'))); print(len(rows) - 1, os.listdir('.'))"
        $runs = 1..10 | ForEach-Object { Invoke-AgbCode -Context $context -Language python -Code $code -Quiet }
        $runs.Count | Should -Be 10
        foreach ($run in $runs) {
            $run.Success | Should -BeTrue -Because $run.ErrorMessage
            $run.Stdout | Should -BeExactly "3 []`n"   # the rows, and an empty workspace: nothing was copied in
        }
        @($runs.SessionId | Sort-Object -Unique).Count | Should -Be 10
        (Get-AgbContext -Name $context).State | Should -Be 'available'   # each run let go of it
    }

    It 'keeps what one session writes for the next, and is mounted by one session at a time' {
        $first = New-AgbSession -Context "${context}:/home/sandbox/keep"
        (Invoke-AgbCode -Session $first -Language python -Quiet -Code "open('keep/out.txt', 'w').write('persisted')").Success | Should -BeTrue
        $held = Get-AgbContext -Name $context
        $held.State | Should -Be 'in-use'
        $held.MountedBy | Should -Be $first.Id

        $ev = $null
        New-AgbSession -Context $context -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $ev[0].FullyQualifiedErrorId | Should -Be 'AgbContextInUse,AgbCode.PowerShell.Cmdlets.NewAgbSessionCommand'
        $ev[0].Exception.Message | Should -Match ([regex]::Escape($first.Id))
        Remove-AgbContext -Name $context -Confirm:$false -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -Be 'AgbContextInUse,AgbCode.PowerShell.Cmdlets.RemoveAgbContextCommand'
        # refused before the confirmation: -WhatIf shows the refusal, not an operation that could not happen
        $whatIf = Remove-AgbContext -Name $context -WhatIf -ErrorVariable ev -ErrorAction SilentlyContinue 6>&1
        $ev[0].FullyQualifiedErrorId | Should -Be 'AgbContextInUse,AgbCode.PowerShell.Cmdlets.RemoveAgbContextCommand'
        "$whatIf" | Should -Not -Match 'What if'

        Remove-AgbSession -Session $first
        $released = Get-AgbContext -Name $context
        if ((& id -u) -eq '0') {   # a root engine keeps a context as a volume and measures it as a session lets go of it
            $released.UsedBytes | Should -BeGreaterThan 0
            $released.SizeBytes | Should -BeGreaterThan $released.UsedBytes
            ($released | Out-String) | Should -Match "$context\s+available\s+\d+\.\d KiB\s+\d+ MiB"
        }
        else {
            $released.UsedBytes | Should -BeNullOrEmpty
        }
        $next = New-AgbSession -Context $context
        (Invoke-AgbCode -Session $next -Language python -Quiet -Code "print(open('/contexts/$context/out.txt').read())").Stdout | Should -BeExactly "persisted`n"
        Remove-AgbSession -Session $next

        Copy-AgbItem -Path out.txt -FromContext $context -Destination $TestDrive
        Get-Content -LiteralPath (Join-Path $TestDrive 'out.txt') -Raw | Should -BeExactly 'persisted'
    }

    It 'refuses a mount path that escapes or covers a system folder, before making anything' {
        $ev = $null
        New-AgbSession -Context "${context}:/etc" -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $ev[0].FullyQualifiedErrorId | Should -Be 'AgbBadContextPath,AgbCode.PowerShell.Cmdlets.NewAgbSessionCommand'
        New-AgbSession -Context "${context}:data/../x" -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $ev[0].FullyQualifiedErrorId | Should -Be 'AgbBadContextPath,AgbCode.PowerShell.Cmdlets.NewAgbSessionCommand'
    }

    It 'is removed with its files, after asking' {
        Get-AgbContext -Name $context | Remove-AgbContext -Confirm:$false
        Get-AgbContext -Name $context -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $ev[0].FullyQualifiedErrorId | Should -Be 'AgbContextNotFound,AgbCode.PowerShell.Cmdlets.GetAgbContextCommand'
    }
}
