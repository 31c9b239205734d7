#requires -Version 7.4
# Several server instances behind one proxy, as a user sees them: sessions spread over the instances, every cmdlet works
# on any of them, and when one instance dies only its sessions go (they fail naming it) while the others keep their state.
# Runs in build.ps1 -Task Test and -Task ClusterTest, which start HAProxy and three instances and sets $env:AGBCODE_TEST_CLUSTER
# ("id=pid,..." of the instances) with $env:AGB_ENDPOINT and $env:AGB_API_KEY (the proxy and its key).
Describe 'Three instances behind a round-robin proxy' -Tag Remote, Cluster {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'TestSupport.ps1')
        Import-Module (Join-Path $AgbModuleDir 'AgbCode.psd1') -Force
        if (-not $env:AGBCODE_TEST_CLUSTER) { throw 'These tests need the cluster that build.ps1 -Task Test or ClusterTest starts (it sets $env:AGBCODE_TEST_CLUSTER).' }
        $script:pids = @{}
        foreach ($entry in $env:AGBCODE_TEST_CLUSTER -split ',') { $id, $number = $entry -split '='; $pids[$id] = [int]$number }
        function Get-Owner($Session) { $pids.Keys | Where-Object { $Session.Id -like "session-$_-*" } }

        $script:sessions = @(1..3 | ForEach-Object { New-AgbSession -Label @{ journey = "cluster-$PID" } })
        foreach ($s in $sessions) { Invoke-AgbCode -Session $s -Language python -Code "owner = '$(Get-Owner $s)'" -Quiet | Out-Null }
    }
    AfterAll { $sessions | Remove-AgbSession -ErrorAction SilentlyContinue }

    It 'places the sessions on different instances' {
        @($sessions | ForEach-Object { Get-Owner $_ } | Sort-Object -Unique).Count | Should -BeGreaterThan 1
    }

    It 'streams a run of a session from whichever instance the proxy picks' {
        foreach ($s in $sessions) {
            $lines = Invoke-AgbCode -Session $s -Language python -Code "for i in range(2): print(owner, i)" -Stream
            $lines | Should -Be @("$(Get-Owner $s) 0", "$(Get-Owner $s) 1")
        }
    }

    It 'lists the sessions of every instance once' {
        $listed = @(Get-AgbSession -Label @{ journey = "cluster-$PID" })
        ($listed.Id | Sort-Object) | Should -Be ($sessions.Id | Sort-Object)
    }

    It 'loses only the sessions of an instance that is killed, which fail naming it' {
        $victim = Get-Owner $sessions[0]
        & kill -KILL $pids[$victim]
        $deadline = [datetime]::UtcNow.AddSeconds(30)   # the kernel ends a SIGKILLed process at once; this only bounds a broken wait
        while ((Get-Process -Id $pids[$victim] -ErrorAction Ignore) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        Get-Process -Id $pids[$victim] -ErrorAction Ignore | Should -BeNullOrEmpty
        $lost = @($sessions | Where-Object { (Get-Owner $_) -eq $victim })
        $kept = @($sessions | Where-Object { (Get-Owner $_) -ne $victim })

        foreach ($s in $lost) {
            { Invoke-AgbCode -Session $s -Language python -Code 'owner' -Quiet -ErrorAction Stop } | Should -Throw
            # the module reports a missing session in its own words; the API's answer names the instance
            $answer = Invoke-RestMethod -Method Post "$env:AGB_ENDPOINT/mcp/getSession" -SkipHttpErrorCheck -ContentType 'application/json' `
                -Headers @{ authorization = "Bearer $env:AGB_API_KEY" } -Body (@{ sessionId = $s.Id } | ConvertTo-Json)
            $answer.code | Should -Be 'InvalidMcpSession.NotFound'
            $answer.message | Should -BeLike "*instance '$victim'*"
        }
        foreach ($s in $kept) {
            (Invoke-AgbCode -Session $s -Language python -Code 'print(owner)' -Quiet).Stdout | Should -Be "$(Get-Owner $s)`n"
        }
        @(Get-AgbSession -Label @{ journey = "cluster-$PID" }).Id | Sort-Object | Should -Be ($kept.Id | Sort-Object)
        $new = New-AgbSession
        try { Get-Owner $new | Should -Not -Be $victim } finally { $new | Remove-AgbSession }
    }
}
