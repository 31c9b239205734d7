#requires -Version 7.4
# The server image (build.ps1 -Task Image), run with podman and the flags of deploy/image/podman-run: from outside the
# container, through its API, Python's 1+1 and the memory bomb behave as on the host, and its sessions state the same
# protections as a session of the host's own root engine (read through the container's Unix socket, mounted from
# here, which is where the server states them). Skipped only when this host lacks rootful podman or the image.
BeforeDiscovery {
    $script:image = if ($env:AGBCODE_TEST_IMAGE) { $env:AGBCODE_TEST_IMAGE } else { 'localhost/agbcode-server:latest' }
    $script:missing = if ((& id -u) -ne '0') { 'root (rootful podman)' }
    elseif (-not (Get-Command podman -ErrorAction Ignore)) { 'podman (apt-get install podman runc)' }
    else { & podman image exists $image; if ($LASTEXITCODE -ne 0) { "the image $image (build.ps1 -Task Image)" } }
    if ($missing) { Write-Host "ContainerImage.Tests: skipped, this host lacks $missing." }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module (Join-Path $AgbModuleDir 'AgbCode.psd1') -Force
    $script:work = New-Item -ItemType Directory -Path "/tmp/agbimage-$(Get-Random -Minimum 10000 -Maximum 99999)"
    $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
    $script:endpoint = "http://127.0.0.1:$port"
    $key = [Convert]::ToHexString([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(24)).ToLowerInvariant()
    $script:apiKey = ConvertTo-SecureString $key -AsPlainText -Force
    $script:socket = "unix://$work/engine.sock"
    $script:container = $null
}

AfterAll {
    if ($container) {
        & podman stop --time 60 $container | Out-Null   # SIGTERM: the server removes its sandboxes, volumes and loop devices
        & podman rm --force $container 2>$null | Out-Null
    }
    Remove-Item $work -Recurse -Force -ErrorAction Ignore
}

Describe 'The server image, run with podman' -Tag Container -Skip:([bool]$missing) {
    BeforeAll {
        $script:container = & (Join-Path $PSScriptRoot '../../deploy/image/podman-run') -d `
            -p "127.0.0.1:$($endpoint.Split(':')[-1]):8080" -v "${work}:/run/agbcode-socket" `
            -e "AGBCODE_API_KEY=$([System.Net.NetworkCredential]::new('', $apiKey).Password)" -e "AGBCODE_PUBLIC_URL=$endpoint" `
            -e AGBCODE_UNIX_SOCKET=/run/agbcode-socket/engine.sock -e AGBCODE_UNIX_SOCKET_GROUP=root -e AGBCODE_LOG_FORMAT=text `
            $image
        if ($LASTEXITCODE -ne 0) { throw "podman run failed (exit code $LASTEXITCODE)." }
        $healthy = $false
        foreach ($attempt in 1..240) {
            if ((& podman inspect --format '{{.State.Running}}' $container) -ne 'true') { break }
            try { if ((Invoke-WebRequest "$endpoint/healthz" -TimeoutSec 2).StatusCode -eq 200) { $healthy = $true; break } } catch { Start-Sleep -Milliseconds 500 }
        }
        if (-not $healthy) { throw "The container never answered $endpoint/healthz. Its log:`n$(& podman logs $container 2>&1 | Out-String)" }
    }

    It 'runs Python''s 1 + 1 through the API' {
        $r = Invoke-AgbCode -Endpoint $endpoint -ApiKey $apiKey -Language python -Code '1 + 1' -Quiet -WarningVariable warnings
        $r.Success | Should -BeTrue
        $r.Text | Should -Be '2'
        $warnings | Should -BeNullOrEmpty -Because 'the run''s session is removed cleanly (its workspace volume unmounted in the container)'
    }

    It 'ends the memory bomb as OutOfMemoryError at the session''s 1 GiB, as on the host' {
        $r = Invoke-AgbCode -Endpoint $endpoint -ApiKey $apiKey -Language python -Quiet -Code 'x = bytearray(3 * 1024**3)' -ErrorAction SilentlyContinue
        $r.Error.Name | Should -Be 'OutOfMemoryError'
        $r.ErrorMessage | Should -Match "the session's limit is 1 GiB"
    }

    It 'states the same protections for its sessions as the host''s root engine does' {
        $inContainer = New-AgbSession -Endpoint $socket
        $onHost = New-AgbSession
        try {
            # uids and versions may differ between the two; which protections exist and hold, and how, may not
            $state = { param($s) $s.Isolation.Protections | ForEach-Object { "$($_.Name)|$($_.Enforced)|$($_.Detail -replace '\d+', 'N')" } }
            $expected = @(& $state $onHost)
            $expected | Should -Not -BeNullOrEmpty
            @(& $state $inContainer) | Should -Be $expected
            @($inContainer.Isolation.Protections | Where-Object { -not $_.Enforced }).Name | Should -BeNullOrEmpty
        }
        finally {
            Remove-AgbSession -Session $inContainer, $onHost -Confirm:$false
        }
    }
}
