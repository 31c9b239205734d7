# build.ps1 -Task ClusterTest, and the cluster journey alone in Test: three server instances on loopback, configured as
# peers (AGBCODE_PEERS, one peer secret), behind HAProxy doing plain round-robin; the remote journeys and the cluster
# journey run through the proxy. Every session URL names the proxy (AGBCODE_PUBLIC_URL), so the LinkUrl and WebSocket
# calls land on any instance and are forwarded.

$clusterIds = 'alpha', 'beta', 'gamma'

function Start-TestCluster {
    $haproxy = Get-Command haproxy -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if (-not $haproxy) { throw 'ClusterTest needs HAProxy: apt-get install haproxy (Debian''s package).' }
    $cluster = [pscustomobject]@{
        Endpoint = "http://127.0.0.1:$(Get-FreePort)"; Key = New-TestSecret; Instances = [ordered]@{}; Proxy = $null
        Config = Join-Path ([System.IO.Path]::GetTempPath()) "agbcode-haproxy-$PID.cfg"
    }
    try {
        $ports = @($clusterIds | ForEach-Object { Get-FreePort })
        $settings = @{ PEERS = ($ports | ForEach-Object { "http://127.0.0.1:$_" }) -join ','; PEER_SECRET = (New-TestSecret) + (New-TestSecret)
                       PUBLIC_URL = $cluster.Endpoint; SPARE_SESSIONS = '0' }
        for ($i = 0; $i -lt $clusterIds.Count; $i++) {
            $server = Start-TestServer -Key $cluster.Key -Port $ports[$i] -Settings ($settings + @{ INSTANCE_ID = $clusterIds[$i] })
            if (-not $server) { throw "Instance $($clusterIds[$i]) did not start; its output is above." }
            $cluster.Instances[$clusterIds[$i]] = $server
        }
        Write-HAProxyConfig $cluster.Config ([uri]$cluster.Endpoint).Port $ports
        $cluster.Proxy = Start-Process $haproxy.Source -ArgumentList '-db', '-f', $cluster.Config -PassThru -RedirectStandardOutput "$($cluster.Config).log"
        foreach ($attempt in 1..40) {
            try { if ((Invoke-WebRequest "$($cluster.Endpoint)/healthz" -TimeoutSec 2).StatusCode -eq 200) { break } } catch { Start-Sleep -Milliseconds 250 }
        }
    }
    catch {
        Stop-TestCluster $cluster
        throw
    }
    Write-Host "HAProxy $($cluster.Endpoint) (pid $($cluster.Proxy.Id)) in front of $(($cluster.Instances.GetEnumerator() | ForEach-Object { "$($_.Key)=$($_.Value.Endpoint)" }) -join ', ')"
    $cluster
}

# Plain round-robin; a request whose connection an instance refuses (a killed one) is retried on another, and /healthz
# checks take a dead instance out of the rotation.
function Write-HAProxyConfig([string] $Path, [int] $Port, [int[]] $InstancePorts) {
    $servers = for ($i = 0; $i -lt $clusterIds.Count; $i++) { "    server $($clusterIds[$i]) 127.0.0.1:$($InstancePorts[$i]) check inter 500 fall 2 rise 2" }
    @"
defaults
    mode http
    timeout connect 2s
    timeout client 1h
    timeout server 1h
    timeout tunnel 1h
    retries 3
    option redispatch 1
frontend api
    bind 127.0.0.1:$Port
    default_backend agbcode
backend agbcode
    balance roundrobin
    option httpchk GET /healthz
$($servers -join "`n")
"@ | Set-Content $Path
}

function Stop-TestCluster($cluster) {
    foreach ($server in $cluster.Instances.Values) {
        if (-not $server.Process.HasExited) { Stop-TestServer $server }
    }
    if ($cluster.Proxy) { Stop-Process -Id $cluster.Proxy.Id -ErrorAction Ignore }
    Remove-Item $cluster.Config, "$($cluster.Config).log" -ErrorAction Ignore
    # an engine that starts sweeps what a crashed one left (the killed instance's workspaces, cgroups, slots): start one
    $sweep = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $sweep.ArgumentList.Add((Join-Path $root "tests/AgbCode.Engine.TestHost/bin/$Configuration/net10.0/AgbCode.Engine.TestHost.dll"))
    $sweep.RedirectStandardInput = $true
    $engine = [System.Diagnostics.Process]::Start($sweep)
    $engine.StandardInput.Close()   # no command: it starts (sweeping), reads the end of input and exits
    $engine.WaitForExit()
}

# Starts the cluster, runs the given journeys through its proxy and then the cluster journey, which kills an instance at
# its end and so runs last, in its own Pester run; stops the cluster. Returns the counts; a cluster that did not start
# counts as one failure.
function Invoke-ClusterJourney([string[]] $Journeys = @()) {
    try { $cluster = Start-TestCluster }
    catch {
        Write-Host "The cluster did not start: $_"
        return [pscustomobject]@{ Passed = 0; Failed = 1 }
    }
    try {
        $env:AGB_ENDPOINT = $cluster.Endpoint
        $env:AGB_API_KEY = $cluster.Key
        $env:AGBCODE_TEST_CLUSTER = ($cluster.Instances.GetEnumerator() | ForEach-Object { "$($_.Key)=$($_.Value.Process.Id)" }) -join ','
        $runs = @(
            if ($Journeys) { Invoke-PesterRun 'Pester (through HAProxy)' 'pester-cluster' @('-ExcludeTag', 'Local', '-Path', (Get-JourneyPath $Journeys)) }
            Invoke-PesterRun 'Pester (cluster journey)' 'pester-cluster-kill' @('-Path', (Get-JourneyPath 'Cluster'))
        )
    }
    finally {
        Remove-Item Env:AGB_ENDPOINT, Env:AGB_API_KEY, Env:AGBCODE_TEST_CLUSTER -ErrorAction Ignore
        Stop-TestCluster $cluster
    }
    [pscustomobject]@{ Passed = ($runs | Measure-Object Passed -Sum).Sum; Failed = ($runs | Measure-Object Failed -Sum).Sum }
}

function Invoke-ClusterTest {
    Assert-Prerequisite
    Invoke-Build -Everything
    $started = [System.Diagnostics.Stopwatch]::StartNew()
    $counts = Invoke-ClusterJourney $remoteJourneys
    Write-Host "Through HAProxy and three instances: $($counts.Passed) passed, $($counts.Failed) failed in $([int]$started.Elapsed.TotalSeconds) s"
    if ($counts.Failed -gt 0 -or $counts.Passed -eq 0) { exit 1 }
}
