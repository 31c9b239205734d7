#requires -Version 7.4
# The local engine service (issue 15): users who are not root run the built module against the root engine behind its
# Unix socket and get that engine's isolation; the socket's group decides who may connect, the caller's uid whose
# sessions they are. Runs as root: it makes its own users and group, and starts the built server on its own socket.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    . (Join-Path $PSScriptRoot 'LocalUsers.ps1')
    $script:tag = "agbsvc$(Get-Random -Minimum 10000 -Maximum 99999)"
    $serverDll = if ($env:AGBCODE_TEST_SERVER) { $env:AGBCODE_TEST_SERVER } else { Join-Path $PSScriptRoot '../../src/AgbCode.Server/bin/Release/net10.0/agbcode-server.dll' }
    if (-not (Test-Path $serverDll)) { throw "The built server is missing ($serverDll): build it with dotnet build src/AgbCode.Server -c Release." }
    $script:userWork = New-LocalUserWorkspace $tag   # the socket lives here too, where the test users can reach it
    New-Item -ItemType Directory -Path "$userWork/run" | Out-Null
    & chmod 0755 "$userWork/run"
    & groupadd $tag
    $script:users = @{
        owner     = New-TestUser "$tag-owner" $tag
        neighbour = New-TestUser "$tag-neighbour" $tag
        outsider  = New-TestUser "$tag-outsider"
    }
    $script:socket = "$userWork/run/engine.sock"

    $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $info.ArgumentList.Add($serverDll)
    $info.Environment['AGBCODE_UNIX_SOCKET'] = $socket
    $info.Environment['AGBCODE_UNIX_SOCKET_GROUP'] = $tag
    $info.Environment['AGBCODE_LOG_FORMAT'] = 'text'
    $info.Environment['AGBCODE_SHUTDOWN_GRACE_SEC'] = '1'
    $info.RedirectStandardOutput = $true
    $script:server = [System.Diagnostics.Process]::Start($info)
    $script:serverLog = $server.StandardOutput.ReadToEndAsync()
    foreach ($attempt in 1..240) { if ((Test-Path $socket) -or $server.HasExited) { break }; Start-Sleep -Milliseconds 250 }
    if (-not (Test-Path $socket)) { throw "The server did not publish its socket: $($serverLog.Result)" }

    # The processes under a pid, each as "pid start-time" (unique on the host while the process lives).
    function Get-ProcessTree([int] $Root) {
        $table = @(& ps -eo pid=,ppid=,lstart= | ForEach-Object { $f = $_.Trim() -split '\s+', 3; [pscustomobject]@{ Pid = [int]$f[0]; Parent = [int]$f[1]; Start = $f[2] -replace '\s+', ' ' } })
        $found = [System.Collections.Generic.List[object]]::new()
        $queue = [System.Collections.Generic.Queue[int]]::new(); $queue.Enqueue($Root)
        while ($queue.Count) {
            $parent = $queue.Dequeue()
            foreach ($child in $table | Where-Object Parent -eq $parent) { $found.Add("$($child.Pid) $($child.Start)"); $queue.Enqueue($child.Pid) }
        }
        $found
    }
    function Invoke-AsRole([string] $Role, [string] $Script) { Invoke-AsUser $users[$Role] $Script @{ AGBCODE_UNIX_SOCKET = $socket } }
}

AfterAll {
    if ($server -and -not $server.HasExited) { & kill -TERM $server.Id; $null = $server.WaitForExit(60000) }
    foreach ($user in $users.Values) { Remove-TestUser $user }
    & groupdel $tag
    Remove-Item $userWork -Recurse -Force -ErrorAction Ignore
}

Describe 'The local engine service, used by admins who are not root' -Tag Local, Service {
    It 'gives a user a session of the service, whose processes run under a session uid, not the user''s' {
        $out = @(Invoke-AsRole owner @'
$s = New-AgbSession -Name owned
"BACKEND=$($s.Isolation.Backend)"
"UIDLINE=$(($s.Isolation.Protections | Where-Object Name -eq 'Own host uid').Detail)"
"MEMORY=$(($s.Isolation.Protections | Where-Object Name -eq 'Memory limit').Detail)"
$r = Invoke-AgbCode -Session $s -Language python -Quiet -Code 'import subprocess; subprocess.Popen(["sleep", "7301.5"]); print("spawned")'
"RUN=$($r.Stdout.Trim())"
"ID=$($s.Id)"
'@)
        ($out -match '^BACKEND=') | Should -Be "BACKEND=local engine service unix://$socket" -Because ($out -join "`n")
        ($out -match '^MEMORY=') | Should -Match '^MEMORY=1 GiB'
        ($out -match '^RUN=') | Should -Be 'RUN=spawned'
        $script:sessionId = ($out -match '^ID=') -replace '^ID='
        # on the host: the process the code started runs as the session's own uid, which is neither the user nor root
        $sleeper = & ps -eo uid=,args= | Where-Object { $_ -match 'sleep 7301\.5' } | Select-Object -First 1
        $sleeper | Should -Not -BeNullOrEmpty
        $script:sessionUid = [int]($sleeper.Trim() -split '\s+')[0]
        $sessionUid | Should -Not -Be $users.owner.Uid
        $sessionUid | Should -Not -Be 0
        ($out -match '^UIDLINE=') | Should -Be "UIDLINE=code runs as host uid $sessionUid, not root"
    }

    It 'ends the memory bomb as OutOfMemoryError at the session''s 1 GiB' {
        $out = @(Invoke-AsRole owner @"
`$r = Invoke-AgbCode -Session (Get-AgbSession -Id $sessionId) -Language python -Quiet -Code 'x = bytearray(3 * 1024**3)' -ErrorAction SilentlyContinue
"ERROR=`$(`$r.Error.Name)|`$(`$r.ErrorMessage)"
"@)
        ($out -match '^ERROR=') | Should -Match "^ERROR=OutOfMemoryError\|.*the session's limit is 1 GiB" -Because ($out -join "`n")
    }

    It 'keeps a second user from listing, running in or removing the first user''s sessions' {
        $out = @(Invoke-AsRole neighbour @"
"LISTED=`$((Get-AgbSession).Id -join ',')"
try { Invoke-AgbCode -Session $sessionId -Language python -Code 'print(1)' -Quiet -ErrorAction Stop } catch { "RUN=`$(`$_.Exception.Message)" }
Remove-AgbSession -Id $sessionId -Confirm:`$false -ErrorAction SilentlyContinue -ErrorVariable removeError
"REMOVE=`$(`$removeError[0].Exception.Message)"
"@)
        ($out -match '^LISTED=') | Should -Be 'LISTED=' -Because ($out -join "`n")
        ($out -match '^RUN=') | Should -Match "^RUN=.*There is no session with id or name '$sessionId'"
        ($out -match '^REMOVE=') | Should -Match "^REMOVE=There is no session with id or name '$sessionId'"
        $still = @(Invoke-AsRole owner "`"IDS=`$((Get-AgbSession).Id -join ',')`"")
        ($still -match '^IDS=') | Should -Be "IDS=$sessionId"
    }

    It 'lets no one outside the socket''s group connect, and tells them why and what to ask for' {
        $out = @(Invoke-AsRole outsider @"
try { Get-AgbSession -Endpoint unix://$socket -ErrorAction Stop | Out-Null; "DENIED=no error" } catch { "DENIED=`$(`$_.Exception.Message)" }
try { Get-AgbLanguage -WarningVariable fallback -WarningAction SilentlyContinue -ErrorAction Stop | Out-Null } catch { "LANGUAGES=`$(`$_.Exception.Message)" }
"WARNING=`$(`$fallback[0])"
"@)
        ($out -match '^DENIED=') | Should -Match "^DENIED=Cannot reach .*permission denied on the socket $([regex]::Escape($socket)):.*usermod -aG" -Because ($out -join "`n")
        ($out -match '^WARNING=') | Should -Match "You are not root.*usermod -aG agbcode $($users.outsider.Name)"
    }

    It 'leaves root on the in-process engine, service or not' {
        Import-Module (Join-Path $AgbModuleDir 'AgbCode.psd1') -Force
        $env:AGBCODE_UNIX_SOCKET = $socket
        try {
            $session = New-AgbSession
            $session.Isolation.Backend | Should -Be 'in-process engine (root)'
            $session.Location | Should -Be 'local'
        }
        finally {
            Remove-Item Env:AGBCODE_UNIX_SOCKET
            if ($session) { Remove-AgbSession $session -Confirm:$false }
        }
    }

    It 'gives a clear error when the service stops mid-run, and leaves nothing behind' {
        $runner = Start-AsUser $users.owner -Environment @{ AGBCODE_UNIX_SOCKET = $socket } -Script @"
Invoke-AgbCode -Session $sessionId -Language python -Stream -Code 'import time; print("running", flush=True); time.sleep(600)'
"@
        $line = $runner.StandardOutput.ReadLine()   # the run is live in the service once its first line arrived
        $line | Should -Be 'running'
        $errors = $runner.StandardError.ReadToEndAsync()
        $engineProcesses = Get-ProcessTree $server.Id
        $engineProcesses.Count | Should -BeGreaterThan 2   # bwrap and the kernels of the owner's session, at least
        & kill -TERM $server.Id
        $server.WaitForExit(120000) | Should -BeTrue
        $rest = $runner.StandardOutput.ReadToEnd() + $errors.Result
        $runner.WaitForExit()
        $rest | Should -Match 'CancelledError|local engine service has stopped'
        Test-Path $socket | Should -BeFalse
        # every process the service had started is gone (a pid with the same start time would be the same process);
        # the last of them may still be exiting when the server's own exit is seen, so this waits for their end
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        do {
            $alive = @(& ps -eo pid=,lstart= | ForEach-Object { $_.Trim() -replace '\s+', ' ' })
            $left = @($engineProcesses | Where-Object { $_ -in $alive })
        } while ($left -and [DateTime]::UtcNow -lt $deadline -and -not (Start-Sleep -Milliseconds 200))
        $left | Should -BeNullOrEmpty
        @(& ps -eo args= | Where-Object { $_ -match 'sleep 7301\.5' }) | Should -BeNullOrEmpty
        @(Get-ChildItem "$userWork/run" -Force).Count | Should -Be 0
        $serverLog.Result | Should -Match 'Shutdown complete: \d+ sessions and their sandboxes removed'
    }
}
