#requires -Version 7.4
# build.ps1 -Task InstallService / UninstallService for real, as root: the published server becomes the local engine
# service, a user who is not root gets it without -Endpoint, and uninstalling leaves nothing. On a host without a
# running systemd (containers, this project's machines) InstallService takes the plain path; the unit files are checked
# with systemd-analyze verify either way.
BeforeDiscovery {
    # never replace a service someone installed on this host
    $script:installedAlready = (Test-Path /usr/local/lib/agbcode) -or (Test-Path /run/agbcode)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    . (Join-Path $PSScriptRoot 'LocalUsers.ps1')
    $script:buildScript = Join-Path $PSScriptRoot '../../build.ps1'
    $script:tag = "agbinst$(Get-Random -Minimum 10000 -Maximum 99999)"
    $script:userWork = New-LocalUserWorkspace $tag
    $script:groupBefore = [bool](getent group agbcode)   # an admin's own group stays; one the install made goes
    function Invoke-BuildTask([string] $Task) {
        $output = & $PwshCommand[0] @($PwshCommand | Select-Object -Skip 1) -NoProfile -File $buildScript -Task $Task 2>&1
        [pscustomobject]@{ Exit = $LASTEXITCODE; Text = ($output | Out-String) }
    }
}

AfterAll {
    if (Test-Path /usr/local/lib/agbcode) { $null = Invoke-BuildTask UninstallService }   # a failed test must not leave it installed
    if ($user) { Remove-TestUser $user }
    Remove-Item $userWork -Recurse -Force -ErrorAction Ignore
}

Describe 'Installing the local engine service' -Tag Local, Service -Skip:$installedAlready {
    It 'installs the service, which a user in its group gets without -Endpoint' {
        $install = Invoke-BuildTask InstallService
        $install.Exit | Should -Be 0 -Because $install.Text
        if (Get-Command systemd-analyze -ErrorAction Ignore) { $install.Text | Should -Match 'systemd-analyze verify found nothing to fix' }
        if (-not (Test-Path /run/systemd/system)) { $install.Text | Should -Match 'without systemd' }
        & stat -c '%a %U %G %F' /run/agbcode/engine.sock | Should -Be '660 root agbcode socket'

        $script:user = New-TestUser "$tag-user" agbcode
        $out = @(Invoke-AsUser $user @'
$s = New-AgbSession
"BACKEND=$($s.Isolation.Backend)"
"RUN=$((Invoke-AgbCode -Session $s -Language python -Quiet -Code 'print(6 * 7)').Stdout.Trim())"
Remove-AgbSession $s -Confirm:$false
'@)
        ($out -match '^BACKEND=') | Should -Be 'BACKEND=local engine service unix:///run/agbcode/engine.sock' -Because ($out -join "`n")
        ($out -match '^RUN=') | Should -Be 'RUN=42'
    }

    It 'uninstalls it without a trace' {
        $uninstall = Invoke-BuildTask UninstallService
        $uninstall.Exit | Should -Be 0 -Because $uninstall.Text
        foreach ($path in '/usr/local/lib/agbcode', '/run/agbcode', '/var/log/agbcode.log', '/etc/systemd/system/agbcode.socket', '/etc/systemd/system/agbcode.service') {
            Test-Path $path | Should -BeFalse -Because "$path is the service's"
        }
        [bool](getent group agbcode) | Should -Be $groupBefore
        @(& ps -eo args= | Where-Object { $_ -like '/usr/local/lib/agbcode/*' }) | Should -BeNullOrEmpty
    }
}
