#requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and packages AgbCode.
.DESCRIPTION
    Tasks (each usable on its own, each idempotent):
      Bootstrap  installs what the engine and the tests need: the code image's Debian packages (build/image-packages.txt,
                 the one list of the host's prerequisites, the tests' and the service's included; as root, otherwise it
                 prints the command),
                 the pwsh tool, Pester from NuGet, the JavaScript driver's npm packages
      Build      builds the solution and lays the module out in out/AgbCode
      Test       refuses at once, naming the apt-get command, when a package of that list is missing; then runs every xunit project and the Pester suite, then prints one line "N passed, N failed"
      ClusterTest  the remote journeys and the cluster journey through HAProxy (Debian's haproxy) in front of three server
                 instances on loopback, one of them killed mid-test (docs/scale.md); Test runs the cluster journey alone
      Package    writes out/packages/AgbCode.<version>.nupkg, installable with Install-PSResource from a folder repository
      Demo       runs a line of Python in a sandbox on the embedded engine
      Serve      starts the AGB-compatible server on loopback (-ServerUrl) with AGBCODE_API_KEY, or a generated key it prints
      Publish    writes the server as one self-contained executable: out/server/agbcode-server
      Image      (root) builds the server's OCI image with podman, on a Debian base made by mmdebstrap (docs/deploy.md)
      InstallService    (root) installs that server as the local engine service for users who are not root: a systemd
                 socket-activated unit where systemd runs, else a launcher it starts (docs/server.md)
      UninstallService  (root) removes the service, its files, socket and group
      Clean      removes build output
.EXAMPLE
    dotnet tool restore && dotnet pwsh -NoProfile -File build.ps1 -Task Bootstrap,Test
#>
[CmdletBinding()]
param(
    # One or more of Bootstrap, Build, Test, Package, Demo, Clean; "-Task Bootstrap,Test" works from bash too
    [string[]] $Task = @('Build'),
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    # Extra arguments for 'dotnet test', e.g. '--filter', 'FullyQualifiedName~Python'
    [string[]] $TestArguments = @(),
    # Where Serve listens (loopback by default; docs/server.md covers TLS and a public URL)
    [string] $ServerUrl = 'http://127.0.0.1:8080',
    # Image: the base image; empty (the default) builds one with mmdebstrap, or e.g. debian:bookworm-slim from a registry
    [string] $ImageBase = '',
    # Image: the Debian sources (deb822) mmdebstrap downloads from; name a dated snapshot of the archive to pin it
    [string] $ImageSources = '/etc/apt/sources.list.d/debian.sources'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
if ([Console]::IsOutputRedirected) { $PSStyle.OutputRendering = 'PlainText' }   # CI logs without colour codes
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$root = $PSScriptRoot
$out = Join-Path $root 'out'
$moduleDir = Join-Path $out 'AgbCode'
$artifacts = Join-Path $root 'artifacts'
$manifest = Import-PowerShellDataFile (Join-Path $root 'AgbCode.psd1')
$pesterVersion = '5.7.1'

# The Pester files that run a second time, against a server the test run starts.
$remoteJourneys = @('AdminJourney', 'CiScript', 'BadInput', 'ValuesJourney', 'Parameters', 'FilesJourney', 'RemoteSessions', 'ImageJourney', 'ContextJourney')

# The code image's Debian packages: one list, which docs/image.md describes (and a server image recipe would read).
$imagePackagesFile = Join-Path $root 'build/image-packages.txt'

function Invoke-Native {
    param([string] $What, [scriptblock] $Command)
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)." }
}

# A fresh pwsh, started the way this one was (the dotnet tool runs as "dotnet pwsh.dll").
function Invoke-FreshPwsh {
    param([string] $What, [string] $Script, [string[]] $Arguments)
    $pwsh = @([Environment]::ProcessPath)
    if ((Split-Path $pwsh[0] -LeafBase) -eq 'dotnet') { $pwsh += Join-Path $PSHOME 'pwsh.dll' }
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $Script @Arguments | Out-Host
    $LASTEXITCODE
}

function Get-ImagePackage {
    Get-Content -LiteralPath $imagePackagesFile | ForEach-Object { ($_ -replace '#.*$').Trim() } | Where-Object { $_ }
}

# A package counts as present when it is installed or an installed package provides it (NodeSource's nodejs provides npm).
function Get-MissingDebianPackage {
    $wanted = @(Get-ImagePackage)
    if (-not (Get-Command dpkg-query -ErrorAction Ignore)) { return $wanted }
    $present = [System.Collections.Generic.HashSet[string]]::new()
    foreach ($line in & dpkg-query -W -f='${db:Status-Abbrev}|${Package}|${Provides}\n') {
        $status, $package, $provides = $line -split '\|', 3
        if ($status -notlike 'ii*') { continue }
        $null = $present.Add($package)
        foreach ($provided in $provides -split ',') { if ($provided.Trim()) { $null = $present.Add(($provided.Trim() -split ' ')[0]) } }
    }
    $wanted | Where-Object { -not $present.Contains($_) }
}

# The apt-get command that installs what is missing from build/image-packages.txt; $null when nothing is.
function Get-PrerequisiteInstall {
    $missing = @(Get-MissingDebianPackage)
    if ($missing.Count -eq 0) { return $null }
    "apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends $($missing -join ' ')"
}

# A test run on a host without the prerequisites fails at once, naming what to install (not test by test, later).
function Assert-Prerequisite {
    if ($install = Get-PrerequisiteInstall) {
        throw "The host lacks packages the engine, its drivers or its tests need (build/image-packages.txt). " +
            "Run build.ps1 -Task Bootstrap as root, or:`n  sudo apt-get update && sudo $install"
    }
}

function Invoke-Bootstrap {
    if ($install = Get-PrerequisiteInstall) {
        $isRoot = (& id -u) -eq '0'
        if ($isRoot -and (Get-Command apt-get -ErrorAction Ignore)) {
            Write-Host "Installing Debian packages: $($install -replace '^.* --no-install-recommends ')"
            $env:DEBIAN_FRONTEND = 'noninteractive'
            Invoke-Native 'apt-get update' { apt-get -o DPkg::Lock::Timeout=600 update -q }
            Invoke-Native 'apt-get install' { Invoke-Expression $install }
        }
        else {
            Assert-Prerequisite
        }
    }
    Invoke-Native 'dotnet tool restore' { dotnet tool restore }
    Invoke-Native 'Pester restore' { dotnet restore (Join-Path $root 'build/pester/PesterDownload.csproj') --verbosity quiet }
    foreach ($package in Get-ChildItem (Join-Path $root 'src') -Recurse -Filter package-lock.json | Where-Object FullName -NotMatch 'node_modules') {
        Invoke-Native "npm ci ($($package.DirectoryName))" { npm ci --prefix $package.DirectoryName --no-audit --no-fund --silent }
    }
}

function Invoke-Build {
    param([switch] $Everything)   # the whole solution (tests, benchmarks, server), not only the module
    $project = Join-Path $root 'src/AgbCode.PowerShell/AgbCode.PowerShell.csproj'
    $target = if ($Everything) { Join-Path $root 'AgbCode.sln' } else { $project }
    Invoke-Native 'dotnet build' { dotnet build $target -c $Configuration --nologo -v q -clp:ErrorsOnly }
    if (Test-Path $moduleDir) { Remove-Item $moduleDir -Recurse -Force }
    New-Item -ItemType Directory -Force -Path (Join-Path $moduleDir 'en-US') | Out-Null
    # One folder of assemblies per .NET the module runs on (AgbCode.psm1 picks one): net8.0 as built (IL), and net10.0
    # with ReadyToRun code for this machine's architecture, which pwsh 7.6+ runs without jitting it first.
    Copy-ModuleAssembly (Join-Path $root "src/AgbCode.PowerShell/bin/$Configuration/net8.0") (Join-Path $moduleDir 'net8.0')
    $readyToRun = Join-Path $artifacts 'ready-to-run'
    $runtime = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
    Invoke-Native 'dotnet publish (ReadyToRun)' {
        dotnet publish $project -c $Configuration -f net10.0 -r $runtime --self-contained false -p:PublishReadyToRun=true `
            -o $readyToRun --nologo -v q -clp:ErrorsOnly
    }
    Copy-ModuleAssembly $readyToRun (Join-Path $moduleDir 'net10.0')
    Copy-Item (Join-Path $root 'AgbCode.psd1'), (Join-Path $root 'AgbCode.psm1'), (Join-Path $root 'AgbCode.format.ps1xml'), (Join-Path $root 'AgbCode.types.ps1xml') $moduleDir
    Copy-Item (Join-Path $root 'docs/help/en-US/*') (Join-Path $moduleDir 'en-US')
    $helpExit = Invoke-FreshPwsh 'help' (Join-Path $root 'build/New-AgbHelp.ps1') @(
        '-ModulePath', $moduleDir, '-Source', (Join-Path $root 'docs/help/AgbCode.help.psd1'),
        '-Output', (Join-Path $moduleDir 'en-US/AgbCode.PowerShell.dll-Help.xml'))
    if ($helpExit -ne 0) { throw 'Writing the help failed.' }
    $unexpected = Get-ChildItem $moduleDir -Filter *.dll -Recurse | Where-Object Name -NotLike 'AgbCode.*'
    if ($unexpected) { throw "The module folder holds assemblies that are not AgbCode's: $($unexpected.Name -join ', ')" }
    Write-Host "Module: $moduleDir"
}

# Only the project's own assemblies: pwsh brings System.Management.Automation and the runtime.
function Copy-ModuleAssembly([string] $From, [string] $To) {
    New-Item -ItemType Directory -Force -Path $To | Out-Null
    foreach ($name in 'AgbCode.PowerShell', 'AgbCode.Core', 'AgbCode.Engine', 'AgbCode.Client') {
        Copy-Item (Join-Path $From "$name.dll") $To
    }
}

function Get-TrxCount {
    param([string] $Directory)
    $passed = 0; $failed = 0
    foreach ($file in Get-ChildItem $Directory -Filter *.trx -ErrorAction Ignore) {
        $counters = ([xml](Get-Content -LiteralPath $file.FullName -Raw)).TestRun.ResultSummary.Counters
        $passed += [int]$counters.passed
        $failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
    }
    [pscustomobject]@{ Passed = $passed; Failed = $failed }
}

# One Pester run in a fresh pwsh, its files' results in artifacts/<Name>.xml; its counts, a run that crashed or wrote
# no summary counting as one failure.
function Invoke-PesterRun {
    param([string] $What, [string] $Name, [string[]] $Arguments)
    $summary = Join-Path $artifacts "$Name-summary.json"
    Remove-Item $summary -ErrorAction Ignore
    $exit = Invoke-FreshPwsh $What (Join-Path $root 'build/Invoke-Pester.ps1') (@(
        '-ModulePath', $moduleDir, '-PesterVersion', $pesterVersion, '-SummaryPath', $summary,
        '-ResultPath', (Join-Path $artifacts "$Name.xml")) + $Arguments)
    $counts = if (Test-Path $summary) { Get-Content $summary -Raw | ConvertFrom-Json } else { [pscustomobject]@{ Passed = 0; Failed = 1 } }
    if ($exit -ne 0 -and $counts.Failed -eq 0) { $counts.Failed = 1 }
    $counts
}

function Get-JourneyPath([string[]] $Journeys) { ($Journeys | ForEach-Object { Join-Path $root "tests/pester/$_.Tests.ps1" }) -join ',' }

function Invoke-Test {
    Assert-Prerequisite
    Invoke-Build -Everything
    Invoke-Package   # the Pester suite installs the package, as a user would
    $xunitResults = Join-Path $artifacts 'xunit'
    if (Test-Path $xunitResults) { Remove-Item $xunitResults -Recurse -Force }

    dotnet test (Join-Path $root 'AgbCode.sln') -c $Configuration --no-build --nologo `
        --logger 'trx' --logger 'console;verbosity=minimal' --results-directory $xunitResults @TestArguments
    $xunitExit = $LASTEXITCODE

    $pester = Invoke-PesterRun 'Pester' 'pester' @(
        '-PackagePath', (Join-Path $out 'packages'), '-ExcludeTag', 'Remote', '-Path', "$(Join-Path $root 'tests/pester'),$(Join-Path $root 'docs/examples')")

    # The user journeys again, against an AgbCode server on loopback: every cmdlet must work the same remotely.
    $server = Start-TestServer
    $remote = [pscustomobject]@{ Passed = 0; Failed = 1 }   # a server that never became healthy fails the remote journeys, loudly
    if ($server) {
        try {
            $env:AGB_ENDPOINT = $server.Endpoint
            $env:AGB_API_KEY = $server.Key
            $remote = Invoke-PesterRun 'Pester (remote)' 'pester-remote' @('-ExcludeTag', 'Local', '-Path', (Get-JourneyPath $remoteJourneys))
        }
        finally {
            Remove-Item Env:AGB_ENDPOINT, Env:AGB_API_KEY -ErrorAction Ignore
            Stop-TestServer $server
        }
    }

    # Three instances behind HAProxy: sessions spread, any instance answers, a killed one loses only its own sessions.
    $cluster = Invoke-ClusterJourney

    # Leak check at the end of the run: no process, cgroup, mount, workspace or slot that no living engine owns.
    dotnet (Join-Path $root "tests/AgbCode.Engine.TestHost/bin/$Configuration/net10.0/AgbCode.Engine.TestHost.dll") --leaks
    $leakExit = $LASTEXITCODE

    $xunit = Get-TrxCount $xunitResults
    $passed = $xunit.Passed + $pester.Passed + $remote.Passed + $cluster.Passed
    $failed = $xunit.Failed + $pester.Failed + $remote.Failed + $cluster.Failed
    if ($xunitExit -ne 0 -and $xunit.Failed -eq 0) { $failed += 1 }   # a crashed test host counts as a failure
    if ($leakExit -ne 0) { $failed += 1 }
    Write-Host ''
    Write-Host ("xunit: $($xunit.Passed) passed, $($xunit.Failed) failed; Pester: $($pester.Passed) passed, $($pester.Failed) failed; " +
        "Pester against the server: $($remote.Passed) passed, $($remote.Failed) failed; " +
        "cluster journey: $($cluster.Passed) passed, $($cluster.Failed) failed; leak check: $(if ($leakExit) { 'failed' } else { 'clean' })")
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

function Get-FreePort {
    $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
    $port
}

function New-TestSecret { [Convert]::ToHexString([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(24)).ToLowerInvariant() }

# The built server on a free loopback port (or -Port) with a fresh key (or -Key) and any other AGBCODE_* -Settings;
# Stop-TestServer shuts it down gracefully (SIGTERM).
function Start-TestServer {
    param([string] $Key = (New-TestSecret), [int] $Port = (Get-FreePort), [hashtable] $Settings = @{})
    $key = $Key
    $endpoint = "http://127.0.0.1:$Port"
    $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $info.ArgumentList.Add((Join-Path $root "src/AgbCode.Server/bin/$Configuration/net10.0/agbcode-server.dll"))
    $info.ArgumentList.Add('--urls'); $info.ArgumentList.Add($endpoint)
    $info.Environment['AGBCODE_API_KEY'] = $key
    foreach ($setting in $Settings.GetEnumerator()) { $info.Environment["AGBCODE_$($setting.Key)"] = $setting.Value }
    $info.RedirectStandardOutput = $true
    $process = [System.Diagnostics.Process]::Start($info)
    $log = $process.StandardOutput.ReadToEndAsync()   # drained; shown if it never becomes healthy
    $healthy = $false
    foreach ($attempt in 1..60) {
        if ($process.HasExited) { break }
        try { if ((Invoke-WebRequest "$endpoint/healthz" -TimeoutSec 2).StatusCode -eq 200) { $healthy = $true; break } } catch { Start-Sleep -Milliseconds 500 }
    }
    if (-not $healthy) {
        if (-not $process.HasExited) { $process.Kill() }
        $process.WaitForExit()
        Write-Host "The AgbCode server for the remote journeys never answered $endpoint/healthz (exit code $($process.ExitCode)); the remote journeys count as failed. Its output:`n$($log.Result)"
        return $null
    }
    Write-Host "AgbCode server for the remote journeys: $endpoint (pid $($process.Id))"
    [pscustomobject]@{ Process = $process; Endpoint = $endpoint; Key = $key }
}

function Stop-TestServer($server) {
    & kill -TERM $server.Process.Id
    if (-not $server.Process.WaitForExit(30000)) { $server.Process.Kill() }
}

function Invoke-Package {
    Invoke-Build
    $packages = Join-Path $out 'packages'
    New-Item -ItemType Directory -Force -Path $packages | Out-Null
    $repository = "AgbCodeBuild-$PID"
    Remove-Item (Join-Path $packages "AgbCode.$($manifest.ModuleVersion).nupkg") -ErrorAction Ignore
    Register-PSResourceRepository -Name $repository -Uri $packages -Trusted
    try {
        Publish-PSResource -Path $moduleDir -Repository $repository -SkipDependenciesCheck
    }
    finally {
        Unregister-PSResourceRepository -Name $repository
    }
    Get-ChildItem $packages -Filter "AgbCode.$($manifest.ModuleVersion).nupkg" | ForEach-Object { Write-Host "Package: $($_.FullName)" }
}

function Invoke-Demo {
    Invoke-Build
    $code = 'import platform, os; print(f"Hello from Python {platform.python_version()}, uid {os.getuid()} in {os.getcwd()}"); 6 * 7'
    Write-Host "PS> Import-Module ./out/AgbCode; Invoke-AgbCode -Language python -Code '$code'" -ForegroundColor Cyan
    Import-Module (Join-Path $moduleDir 'AgbCode.psd1')
    Invoke-AgbCode -Language python -Code $code | Out-Host
}

function Invoke-Serve {
    if (-not ($env:AGBCODE_API_KEY -or $env:AGBCODE_API_KEYS -or $env:AGBCODE_API_KEYS_FILE)) {
        $bytes = [byte[]]::new(24)
        [Security.Cryptography.RandomNumberGenerator]::Fill($bytes)
        $env:AGBCODE_API_KEY = [Convert]::ToHexString($bytes).ToLowerInvariant()
        Write-Host "No key configured: generated AGBCODE_API_KEY for this run: $env:AGBCODE_API_KEY"
    }
    Write-Host "Clients: AGB_ENDPOINT=$ServerUrl and AGB_API_KEY=<the key>. Ctrl+C stops the server and removes its sandboxes."
    Invoke-Native 'the server' { dotnet run --project (Join-Path $root 'src/AgbCode.Server') -c $Configuration -- --urls $ServerUrl }
}

function Invoke-Publish {
    $target = Join-Path $out 'server'
    $runtime = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
    Invoke-Native 'dotnet publish' {
        dotnet publish (Join-Path $root 'src/AgbCode.Server/AgbCode.Server.csproj') -c $Configuration -r $runtime --self-contained `
            -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:DebugType=embedded -o $target --nologo -v q
    }
    Write-Host "Server: $(Join-Path $target 'agbcode-server') (self-contained; docs/server.md says how to run it)"
}

function Invoke-Clean {
    foreach ($path in $out, $artifacts) { if (Test-Path $path) { Remove-Item $path -Recurse -Force } }
    Invoke-Native 'dotnet clean' { dotnet clean (Join-Path $root 'AgbCode.sln') -v q --nologo }
}

. (Join-Path $root 'build/Service.ps1')
. (Join-Path $root 'build/Image.ps1')
. (Join-Path $root 'build/Cluster.ps1')

$known = 'Bootstrap', 'Build', 'Test', 'ClusterTest', 'Package', 'Demo', 'Serve', 'Publish', 'Image', 'InstallService', 'UninstallService', 'Clean'
$tasks = @($Task -split ',' | ForEach-Object Trim | Where-Object { $_ })
$unknown = @($tasks | Where-Object { $_ -notin $known })
if ($unknown) { throw "Unknown task: $($unknown -join ', '). Tasks: $($known -join ', ')." }
foreach ($name in $tasks) {
    & "Invoke-$name"
}
