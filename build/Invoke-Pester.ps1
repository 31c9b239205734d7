#requires -Version 7.4
<#
.SYNOPSIS
    Runs the Pester suites against the built module, in this (separate) pwsh process, and writes a pass/fail summary.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    # The folder holding the module's .nupkg (build.ps1 -Task Package)
    [string] $PackagePath = '',
    # Folders with *.Tests.ps1, comma-separated (this script is started as a native command)
    [Parameter(Mandatory)] [string] $Path,
    [string] $PesterVersion = '5.7.1',
    [string] $SummaryPath = './artifacts/pester-summary.json',
    [string] $ResultPath = './artifacts/pester.xml',
    # Tests with these tags are left out, comma-separated (e.g. Local, for tests of the local engine only)
    [string] $ExcludeTag = ''
)
$ErrorActionPreference = 'Stop'
$packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
$pester = Join-Path $packages "pester/$PesterVersion/tools/Pester.psd1"
if (-not (Test-Path $pester)) {
    throw "Pester $PesterVersion is not restored ($pester). Run: dotnet pwsh -File build.ps1 -Task Bootstrap"
}
Import-Module $pester -Force

$env:AGBCODE_TEST_MODULE = $ModulePath
$env:AGBCODE_TEST_PACKAGES = $PackagePath
$configuration = New-PesterConfiguration
$configuration.Run.Path = @($Path -split ',' | Where-Object { $_ -and (Test-Path $_) })
$configuration.Run.PassThru = $true
$configuration.Filter.ExcludeTag = @($ExcludeTag -split ',' | Where-Object { $_ })
$configuration.Output.Verbosity = 'Normal'
$configuration.Output.RenderMode = 'Plaintext'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'JUnitXml'
$configuration.TestResult.OutputPath = $ResultPath
New-Item -ItemType Directory -Force -Path (Split-Path $ResultPath), (Split-Path $SummaryPath) | Out-Null

$result = Invoke-Pester -Configuration $configuration
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
[pscustomobject]@{ Passed = $result.PassedCount; Failed = $failed } | ConvertTo-Json | Set-Content $SummaryPath
exit ([int]($failed -gt 0))
