#requires -Version 7.4
# Sessions on an endpoint as several processes see them: names, labels and creation times survive the process that
# made them, and a run's own session goes when its process does. Runs against the server the test run starts
# ($env:AGB_ENDPOINT, $env:AGB_API_KEY); build.ps1's remote journeys include it.
Describe 'Sessions on an endpoint, across processes' -Tag Remote {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'TestSupport.ps1')
        $script:moduleDir = $AgbModuleDir
        Import-Module (Join-Path $moduleDir 'AgbCode.psd1') -Force
        if (-not $env:AGB_ENDPOINT) { throw 'These tests need an AgbCode server: build.ps1 -Task Test starts one and sets $env:AGB_ENDPOINT and $env:AGB_API_KEY.' }

        # A second pwsh process with the module, the same endpoint and key (inherited), its output read line by line as it comes.
        function Start-OtherPwsh([string] $Script) {
            $info = [System.Diagnostics.ProcessStartInfo]::new($PwshCommand[0])
            foreach ($argument in @($PwshCommand | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command',
                    "`$ErrorActionPreference = 'Stop'; Import-Module '$moduleDir/AgbCode.psd1'; $Script")) {
                $info.ArgumentList.Add($argument)
            }
            $info.RedirectStandardOutput = $true
            $info.RedirectStandardError = $true
            $process = [System.Diagnostics.Process]::Start($info)
            $null = $process.StandardError.ReadToEndAsync()
            $process
        }

        function Read-LineMatching([System.Diagnostics.Process] $Process, [string] $Pattern) {
            while ($true) {
                $read = $Process.StandardOutput.ReadLineAsync()
                if (-not $read.Wait(120000)) { throw "No line matching '$Pattern' from pwsh $($Process.Id) within 120 s" }
                if ($null -eq $read.Result) { throw "pwsh $($Process.Id) ended before printing a line matching '$Pattern'" }
                if ($read.Result -match $Pattern) { return $Matches }
            }
        }
    }

    Describe 'A session created against an endpoint' {
        BeforeAll {
            $script:team = "team-$PID-$(Get-Random)"
            $script:demo = New-AgbSession -Name "demo-$PID" -Label @{ team = $team; stage = 'test' }
        }
        AfterAll { $demo | Remove-AgbSession }

        It 'keeps its name, labels and creation time when another process lists it' {
            $other = Start-OtherPwsh "Get-AgbSession -Label @{ team = '$team' } | ForEach-Object { [pscustomobject]@{ Id = `$_.Id; Name = `$_.Name; Labels = `$_.Labels; CreatedTicks = `$_.Created.UtcTicks; Image = `$_.Image } } | ConvertTo-Json -Compress"
            $json = $other.StandardOutput.ReadToEnd()
            $other.WaitForExit(120000) | Should -BeTrue
            $other.ExitCode | Should -Be 0 -Because $json
            $seen = $json | ConvertFrom-Json
            @($seen).Count | Should -Be 1
            $seen.Id | Should -Be $demo.Id
            $seen.Name | Should -Be "demo-$PID"
            $seen.Image | Should -Be 'agb-code-space-1'
            $seen.Labels.team | Should -Be $team
            $seen.Labels.stage | Should -Be 'test'
            @($seen.Labels.PSObject.Properties.Name) | Should -Not -Contain 'agbcode.name'   # the module's own labels stay hidden
            $seen.CreatedTicks | Should -Be $demo.Created.UtcTicks
        }

        It 'is found by name in another process' {
            $other = Start-OtherPwsh "(Get-AgbSession -Name 'demo-$PID').Id"
            $id = $other.StandardOutput.ReadToEnd().Trim()
            $other.WaitForExit(120000) | Should -BeTrue
            $id | Should -Be $demo.Id
        }
    }

    Describe 'A label with the module''s reserved prefix' {
        It 'is refused with the prefix and the fix named, and nothing is created' {
            $before = @(Get-AgbSession).Count
            { New-AgbSession -Label @{ 'agbcode.name' = 'sneaky' } -ErrorAction Stop } |
                Should -Throw -ErrorId 'AgbReservedLabel,AgbCode.PowerShell.Cmdlets.NewAgbSessionCommand'
            $Error[0].ErrorDetails.RecommendedAction | Should -Match "agbcode\."
            @(Get-AgbSession).Count | Should -Be $before
        }
    }

    Describe 'The session Invoke-AgbCode makes for a run' {
        It 'is removed when its pwsh process exits in the middle of the run' {
            $other = Start-OtherPwsh "Invoke-AgbCode -Language python -Stream -Verbose -Code 'import time; print(""started"", flush=True); time.sleep(600)' 4>&1"
            try {
                $id = (Read-LineMatching $other 'Created session (\S+)')[1]
                $null = Read-LineMatching $other '^started$'
                (Get-AgbSession -Id $id).Id | Should -Be $id   # it is there while the run goes on
                & kill -TERM $other.Id
                $other.WaitForExit(120000) | Should -BeTrue
            }
            finally {
                if (-not $other.HasExited) { $other.Kill($true) }
            }
            { Get-AgbSession -Id $id -ErrorAction Stop } | Should -Throw -ErrorId 'AgbSessionNotFound,AgbCode.PowerShell.Cmdlets.GetAgbSessionCommand'
        }

        It 'is removed when the process ends while a thread job still runs it' {
            $other = Start-OtherPwsh @'
$manifest = (Get-Module AgbCode).Path
$job = Start-ThreadJob { Import-Module $using:manifest; Invoke-AgbCode -Language python -Stream -Verbose -Code 'import time; print("started", flush=True); time.sleep(600)' 4>&1 }
$started = $false
while (-not $started) {
    foreach ($item in Receive-Job $job) { "$item"; if ("$item" -eq 'started') { $started = $true } }
    Start-Sleep -Milliseconds 100
}
[Environment]::Exit(0)   # as a host application ending the process does: no pipeline is stopped first
'@
            try {
                $id = (Read-LineMatching $other 'Created session (\S+)')[1]
                $null = Read-LineMatching $other '^started$'
                $other.WaitForExit(120000) | Should -BeTrue
                $other.ExitCode | Should -Be 0
            }
            finally {
                if (-not $other.HasExited) { $other.Kill($true) }
            }
            { Get-AgbSession -Id $id -ErrorAction Stop } | Should -Throw -ErrorId 'AgbSessionNotFound,AgbCode.PowerShell.Cmdlets.GetAgbSessionCommand'
        }
    }
}
