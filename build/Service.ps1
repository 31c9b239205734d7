# Dot-sourced by build.ps1: InstallService and UninstallService, the local engine service for users who are not root
# (docs/server.md, "The local engine service"). Both run as root and are idempotent.

$serviceFiles = Join-Path $PSScriptRoot 'service'
$serviceHome = '/usr/local/lib/agbcode'                  # the published server and the launcher for hosts without systemd
$serviceUnits = '/etc/systemd/system'
$serviceGroupMarker = Join-Path $serviceHome 'created-group'   # present when the install made the group, so uninstall removes it
$serviceGroup = 'agbcode'
$servicePid = '/run/agbcode/agbcode.pid'

function Assert-Root([string] $Task) {
    if ((id -u) -ne '0') { throw "$Task changes the system (a root service, a group, files under $serviceHome): run it as root, e.g. sudo dotnet pwsh -File build.ps1 -Task $Task." }
}

function Test-SystemdRunning { Test-Path '/run/systemd/system' }   # sd_booted(3)

function Invoke-InstallService {
    Assert-Root 'InstallService'
    Invoke-Publish
    New-Item -ItemType Directory -Force -Path $serviceHome | Out-Null
    Copy-Item (Join-Path $out 'server/agbcode-server') (Join-Path $serviceHome 'agbcode-server') -Force
    Copy-Item (Join-Path $serviceFiles 'agbcode-service') (Join-Path $serviceHome 'agbcode-service') -Force
    Invoke-Native 'chmod' { chmod 0755 $serviceHome (Join-Path $serviceHome 'agbcode-server') (Join-Path $serviceHome 'agbcode-service') }
    if (-not (getent group $serviceGroup)) {
        Invoke-Native 'groupadd' { groupadd --system $serviceGroup }
        Set-Content -LiteralPath $serviceGroupMarker -Value $serviceGroup
    }
    $units = 'agbcode.socket', 'agbcode.service' | ForEach-Object { Join-Path $serviceFiles $_ }
    if (Get-Command systemd-analyze -ErrorAction Ignore) {
        Invoke-Native 'systemd-analyze verify' { systemd-analyze verify @units }
        Write-Host 'Unit files: systemd-analyze verify found nothing to fix.'
    }
    if (Test-SystemdRunning) {
        Copy-Item $units $serviceUnits -Force
        Invoke-Native 'systemctl daemon-reload' { systemctl daemon-reload }
        Invoke-Native 'systemctl enable' { systemctl enable --now agbcode.socket }
        Write-Host "Installed: agbcode.socket listens on /run/agbcode/engine.sock and starts agbcode.service on the first connection."
    }
    else {
        Stop-PlainService
        Invoke-Native 'agbcode-service' { & (Join-Path $serviceHome 'agbcode-service') }
        Write-Host ("Installed and started without systemd (this host does not run it): $serviceHome/agbcode-service starts the server, " +
            'logging to /var/log/agbcode.log. Have the host start that command at boot.')
    }
    Write-Host "Users who may use it: usermod -aG $serviceGroup NAME (they log in again). Their pwsh then uses it without -Endpoint."
}

function Invoke-UninstallService {
    Assert-Root 'UninstallService'
    if (Test-Path (Join-Path $serviceUnits 'agbcode.socket')) {
        if (Test-SystemdRunning) { Invoke-Native 'systemctl disable' { systemctl disable --now agbcode.socket agbcode.service } }
        Remove-Item (Join-Path $serviceUnits 'agbcode.socket'), (Join-Path $serviceUnits 'agbcode.service') -ErrorAction Ignore
        if (Test-SystemdRunning) { Invoke-Native 'systemctl daemon-reload' { systemctl daemon-reload } }
    }
    Stop-PlainService
    if (Test-Path $serviceGroupMarker) {
        Invoke-Native 'groupdel' { groupdel $serviceGroup }
    }
    foreach ($path in $serviceHome, '/run/agbcode', '/var/log/agbcode.log') {
        if (Test-Path $path) { Remove-Item $path -Recurse -Force }
    }
    Write-Host 'The local engine service is uninstalled: no unit, server, socket, log or group of its is left.'
}

# SIGTERM to the server started by agbcode-service; it removes its sandboxes and its socket before it exits.
function Stop-PlainService {
    if (-not (Test-Path $servicePid)) { return }
    $id = [int](Get-Content -LiteralPath $servicePid -Raw).Trim()
    $process = Get-Process -Id $id -ErrorAction Ignore
    if ($process -and $process.Path -eq (Join-Path $serviceHome 'agbcode-server')) {
        & kill -TERM $id
        if (-not $process.WaitForExit(90000)) { throw "The local engine service (pid $id) did not stop within 90 s; see /var/log/agbcode.log." }
    }
    Remove-Item $servicePid -ErrorAction Ignore
}
