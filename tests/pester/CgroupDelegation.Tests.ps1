#requires -Version 7.4
# Issue 15's third way in: a user who is not root and has no service gets cgroup limits in the in-process engine when
# the host delegates a cgroup v2 subtree to them (as systemd's Delegate=yes does); elsewhere the session says why not
# and what would fix it. Runs as root: it makes its own user, and on a cgroup v2 host its own delegated cgroup.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    . (Join-Path $PSScriptRoot 'LocalUsers.ps1')
    $script:tag = "agbcg$(Get-Random -Minimum 10000 -Maximum 99999)"
    $script:userWork = New-LocalUserWorkspace $tag
    $script:user = New-TestUser "$tag-user"
    $script:noService = @{ AGBCODE_UNIX_SOCKET = "$userWork/no-service.sock" }
    # cgroup v2 can be delegated only where the memory, pids and cpu controllers are on the unified hierarchy.
    $unified = '/sys/fs/cgroup/cgroup.controllers'
    $script:controllers = if (Test-Path $unified) { (Get-Content $unified) -split ' ' } else { @() }
    $script:canDelegate = @('memory', 'pids', 'cpu' | Where-Object { $_ -notin $controllers }).Count -eq 0
    $script:hostReason = if ($canDelegate) { '' } else { 'needs cgroup v2 with the memory, pids and cpu controllers on /sys/fs/cgroup; this host keeps them on cgroup v1' }
}

AfterAll {
    Remove-TestUser $user
    if ($delegated -and (Test-Path $delegated)) { Get-ChildItem $delegated -Directory -Recurse | Sort-Object { $_.FullName.Length } -Descending | ForEach-Object { & rmdir $_.FullName }; & rmdir $delegated }
    Remove-Item $userWork -Recurse -Force -ErrorAction Ignore
}

Describe 'The in-process engine of a user who is not root, without the service' -Tag Local, Service {
    It 'says in the session''s isolation report why it has no memory limit, and what would give it one' -Skip:$canDelegate {
        $out = @(Invoke-AsUser $user @'
$s = New-AgbSession -WarningAction SilentlyContinue
"MEMORY=$(($s.Isolation.Protections | Where-Object Name -eq 'Memory limit').Detail)"
Remove-AgbSession $s -Confirm:$false
'@ $noService)
        ($out -match '^MEMORY=') | Should -Match '^MEMORY=not enforced: the engine is not root, and this host keeps its memory controller on cgroup v1' -Because ($out -join "`n")
    }

    It 'takes the memory, CPU and process limits from a delegated cgroup v2 subtree: the memory bomb ends as OutOfMemoryError' {
        if (-not $canDelegate) { Set-ItResult -Skipped -Because $hostReason; return }
        # what systemd does for Delegate=yes: a cgroup whose procs and subtree_control files the user owns
        $script:delegated = "/sys/fs/cgroup/$tag"
        Set-Content /sys/fs/cgroup/cgroup.subtree_control '+memory +pids +cpu'
        New-Item -ItemType Directory $delegated | Out-Null
        & chown $user.Name $delegated "$delegated/cgroup.procs" "$delegated/cgroup.subtree_control" "$delegated/cgroup.threads"
        $out = @(Invoke-AsUser $user @'
$s = New-AgbSession -WarningAction SilentlyContinue
"MEMORY=$(($s.Isolation.Protections | Where-Object Name -eq 'Memory limit').Detail)"
$r = Invoke-AgbCode -Session $s -Language python -Quiet -Code 'x = bytearray(3 * 1024**3)' -ErrorAction SilentlyContinue
"ERROR=$($r.Error.Name)"
$after = Invoke-AgbCode -Session $s -Language python -Quiet -Code 'print("alive")'
"AFTER=$($after.Stdout.Trim())"
Remove-AgbSession $s -Confirm:$false
'@ $noService $delegated)
        ($out -match '^MEMORY=') | Should -Match '^MEMORY=1 GiB \(cgroup v2 \(delegated to uid' -Because ($out -join "`n")
        ($out -match '^ERROR=') | Should -Be 'ERROR=OutOfMemoryError'
        ($out -match '^AFTER=') | Should -Be 'AFTER=alive'
        Test-Path "$delegated/agbcode" | Should -BeTrue   # sessions went below the user's cgroup, beside the engine's leaf
        @(Get-ChildItem "$delegated/agbcode" -Directory).Count | Should -Be 0   # and were removed with their session
    }
}
